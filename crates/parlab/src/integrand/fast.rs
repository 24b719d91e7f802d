//! The switch between the rules compiled for `&dyn Integrand` and for the lecture's function.

/// Runs `$body` with `$g` bound to the integrand: the lecture's function
/// compiled in where the integrand says it is that function, else the
/// integrand itself behind `dyn` (see `compiled.rs` for why).
///
/// Both give the same bits: the same function, called directly or through a pointer.
macro_rules! with_integrand {
    ($f:expr, |$g:ident| $body:expr) => {{
        let f: &dyn $crate::integrand::Integrand = $f;
        match $crate::integrand::Integrand::compiled(f) {
            Some($crate::integrand::Compiled::Lecture) => {
                let $g = &$crate::integrand::lecture;
                $body
            }
            _ => {
                let $g = f;
                $body
            }
        }
    }};
}
pub(crate) use with_integrand;
