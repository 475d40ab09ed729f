//! A command's words read as getopt reads them (GNU getopt_long, BusyBox's getopt32): options,
//! clustered or long, with their values, and operands, where an option after an operand still
//! counts (getopt permutes) and `--` ends the options.

/// Whether an option takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// No value.
    Nothing,
    /// A value: attached (`-tDIR`, `--target-directory=DIR`) or the next word.
    Value,
    /// A value only when attached (`-i.bak`, `--in-place=.bak`), getopt's `::`.
    AttachedValue,
}

/// Where an option's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionValue<'a> {
    /// It has none.
    None,
    /// Attached to the option's word.
    Attached(&'a str),
    /// The word at this index (which may be past the end: a value the command lacks).
    Next(usize),
}

/// One option of a command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParsedOption<'a> {
    /// A short option (`-t`, or one letter of a cluster `-fv`).
    Short(char, OptionValue<'a>),
    /// A long option (`--name`), by the name before any `=`.
    Long(&'a str, OptionValue<'a>),
}

/// The options of `words` (the program first), in order, and the indexes of its operands.
/// `short` and `long` say which options take a value; a short one that does ends its cluster.
pub fn read_options<'a>(
    words: &'a [String],
    short: impl Fn(char) -> Takes,
    long: impl Fn(&str) -> Takes,
) -> (Vec<ParsedOption<'a>>, Vec<usize>) {
    let (mut options, mut operands) = (Vec::new(), Vec::new());
    let mut i = 1;
    while i < words.len() {
        let w = words[i].as_str();
        if w == "--" {
            operands.extend(i + 1..words.len());
            break;
        }
        if let Some(rest) = w.strip_prefix("--") {
            let (name, attached) = rest.split_once('=').map_or((rest, None), |(n, v)| (n, Some(v)));
            let value = match (long(name), attached) {
                (Takes::Nothing, _) => OptionValue::None,
                (_, Some(v)) => OptionValue::Attached(v),
                (Takes::Value, None) => {
                    i += 1;
                    OptionValue::Next(i)
                }
                (Takes::AttachedValue, None) => OptionValue::None,
            };
            options.push(ParsedOption::Long(name, value));
        } else if let Some(cluster) = w.strip_prefix('-').filter(|c| !c.is_empty()) {
            for (at, c) in cluster.char_indices() {
                let takes = short(c);
                if takes == Takes::Nothing {
                    options.push(ParsedOption::Short(c, OptionValue::None));
                    continue;
                }
                // The rest of the word is the value.
                let attached = &cluster[at + c.len_utf8()..];
                let value = match (takes, attached.is_empty()) {
                    (_, false) => OptionValue::Attached(attached),
                    (Takes::Value, true) => {
                        i += 1;
                        OptionValue::Next(i)
                    }
                    _ => OptionValue::None,
                };
                options.push(ParsedOption::Short(c, value));
                break;
            }
        } else {
            operands.push(i);
        }
        i += 1;
    }
    (options, operands)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(String::from).collect()
    }

    #[test]
    fn options_values_and_operands_as_getopt_reads_them() {
        let short = |c| match c {
            't' => Takes::Value,
            'i' => Takes::AttachedValue,
            _ => Takes::Nothing,
        };
        let long = |n: &str| match n {
            "target" => Takes::Value,
            "in-place" => Takes::AttachedValue,
            _ => Takes::Nothing,
        };
        let w = words("cp a -vt dir b --target x --in-place --in-place=.b -i -i.bak --verbose=1 -- -c");
        let (options, operands) = read_options(&w, short, long);
        use OptionValue::*;
        use ParsedOption::*;
        assert_eq!(
            options,
            [
                Short('v', None),
                Short('t', Next(3)),
                Long("target", Next(6)),
                Long("in-place", None),
                Long("in-place", Attached(".b")),
                Short('i', None),
                Short('i', Attached(".bak")),
                Long("verbose", None),
            ]
        );
        assert_eq!(operands, [1, 4, 13]);
        // A value the command lacks is the index past its end.
        assert_eq!(read_options(&words("cp -t"), short, long).0, [Short('t', Next(2))]);
        // `-` alone is an operand.
        assert_eq!(read_options(&words("cp - -"), short, long).1, [1, 2]);
    }
}
