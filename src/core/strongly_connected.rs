//! Strongly connected components: the cycles of a dependency graph (OpenRC's `depend()` for lint
//! and graph, s6-rc's dependencies for its backend).

/// Tarjan's strongly connected components of a graph given as adjacency lists, iteratively (deep
/// chains must not overflow the stack); `to` reads the node an edge leads to. Each component is
/// in the order Tarjan's algorithm pops it.
pub fn strongly_connected<E>(adjacent: &[Vec<E>], to: impl Fn(&E) -> usize) -> Vec<Vec<usize>> {
    strongly_connected_by(adjacent.len(), |v, i| adjacent[v].get(i).map(&to))
}

/// [`strongly_connected`] of a graph of `n` nodes whose edges are not stored as lists:
/// `successor(v, i)` is the node the `i`-th edge of `v` leads to, `None` past its last edge.
pub fn strongly_connected_by(n: usize, successor: impl Fn(usize, usize) -> Option<usize>) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    each_strongly_connected(n, successor, |component| out.push(component.to_vec()));
    out
}

/// [`strongly_connected_by`], handing each component to `found` as it is popped instead of
/// keeping them all: most components of a dependency graph are single nodes nobody looks at,
/// and a vector made for each was most of the allocations of a lint run's serial tail.
pub fn each_strongly_connected(
    n: usize,
    successor: impl Fn(usize, usize) -> Option<usize>,
    mut found: impl FnMut(&[usize]),
) {
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    // (node, next edge to look at); empty again after each root, so one serves them all.
    let mut work: Vec<(usize, usize)> = Vec::new();
    let mut component = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        work.push((root, 0));
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(v, edge)) = work.last() {
            if let Some(w) = successor(v, edge) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    component.clear();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    found(&component);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_find_cycles_and_leave_chains() {
        // 0 → 1 → 2 → 0, 3 → 0.
        let adjacent = vec![vec![1], vec![2], vec![0], vec![0]];
        let mut c: Vec<Vec<usize>> = strongly_connected(&adjacent, |&w| w)
            .into_iter()
            .map(|mut c| {
                c.sort_unstable();
                c
            })
            .collect();
        c.sort();
        assert_eq!(c, vec![vec![0, 1, 2], vec![3]]);
        assert!(strongly_connected(&[vec![1], vec![]], |&w| w).iter().all(|c| c.len() == 1));
    }

    #[test]
    fn a_chain_deeper_than_any_stack_is_walked() {
        let n = 200_000;
        let adjacent: Vec<Vec<usize>> = (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![0] }).collect();
        assert_eq!(strongly_connected(&adjacent, |&w| w).len(), 1);
    }
}
