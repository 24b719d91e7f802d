//! Every compile-fail twin of the docs fails with its error code and message, on stable.
//!
//! rustdoc checks a `compile_fail,E0xxx` block's error code only on nightly;
//! here each case is compiled by trybuild and its whole error output compared
//! with the `.stderr` beside it, so a case that fails for another reason (a
//! function made private, a typo) fails this test. The docs include the same
//! files (`#[doc = include_str!(…)]`), so they show exactly what is checked.
//! After a change of compiler or of what a case says, review the new output
//! and write it with `TRYBUILD=overwrite cargo test -p parlab --test compile_fail`.

#[test]
fn the_compiler_refuses_what_the_docs_say_it_refuses() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
