//! The pest parsers generated from `grammar/openrc.pest`; their types never leave `parse`.
//! [`ShellGrammar`] reads here-documents; [`PlainGrammar`] is the same grammar for a text that
//! holds no `<<`, without the here-document stack (grammar/heredocs.pest says why it is faster).

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/openrc.pest"]
#[grammar = "../grammar/heredocs.pest"]
#[grammar = "../grammar/syntax-errors.pest"]
pub(super) struct ShellGrammar;

/// The grammar for a text without `<<`.
pub(super) mod plain {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/openrc.pest"]
    #[grammar = "../grammar/no-heredocs.pest"]
    #[grammar = "../grammar/no-syntax-errors.pest"]
    pub(in super::super) struct PlainGrammar;
}

/// A rule of either grammar, as the tree builder reads it.
pub(super) trait ShellRule: pest::RuleType {
    /// Whether the grammar reads here-documents (the plain one never does).
    const HEREDOCS: bool;

    /// The same rule of the full grammar.
    fn kind(self) -> Rule;
}

impl ShellRule for Rule {
    const HEREDOCS: bool = true;

    fn kind(self) -> Rule {
        self
    }
}

/// Each rule of the plain grammar, named as in the full one (an exhaustive match: a rule added
/// to grammar/openrc.pest is a compile error here until it is listed).
macro_rules! same_rules {
    ($($name:ident)*) => {
        impl ShellRule for plain::Rule {
            const HEREDOCS: bool = false;

            fn kind(self) -> Rule {
                match self {
                    $(plain::Rule::$name => Rule::$name,)*
                }
            }
        }

        impl Rule {
            /// The same rule of the plain grammar, for the rules both have.
            pub(super) fn plain(self) -> Option<plain::Rule> {
                match self {
                    $(Rule::$name => Some(plain::Rule::$name),)*
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    };
}

same_rules! {
    EOI program command_line leading_item line_cont blank comment comment_text sp newline linebreak
    newline_list delim list separator sep_op and_or list_end and_or_op pipeline bang pipe_op command
    simple_command plain_command cmd_prefix more_prefix suffix_item array_assignment cmd_name
    reserved assignment assign_value var_name array_index append array_value array_sep redir redirect
    io_number file_redirect redir_op heredoc_redirect heredoc_op word word_end word_part
    word_first_part word_dollar literal literal_first escaped single_quoted sq_text ansi_c_quoted
    ansi_c_text double_quoted dq_part dq_escaped dq_literal backquoted bq_text process_subst dollar
    arith_expansion arith_text arith_paren command_subst subst_body param_simple special_param
    lone_dollar param_braced param_inner param_length param_indirect param_plain param_invalid
    param_name param_op param_word param_word_part param_literal compound_command compound_list
    brace_group subshell arith_command if_clause elif_part else_part while_clause until_clause
    do_group for_clause arith_for_header arith_for_expr arith_for_paren for_in case_clause case_item
    pattern_list case_term dbl_bracket dbl_sep dbl_token dbl_op dbl_regex_op dbl_regex
    dbl_regex_group function_def function_kw function_name function_body
}
