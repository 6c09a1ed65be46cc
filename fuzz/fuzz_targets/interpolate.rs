//! Variable interpolation: one string and a few variables through `substitute`, and the same
//! text as a YAML document through `interpolate` (which also casts `replicas: ${N}` and the
//! like). Properties: text without `$` is unchanged, and `$$` is always a literal `$` (doubling
//! every `$` of any text gives the text back).
//!
//! Input: `text [%%% K=V lines]`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmtop::stack::interpolate::{interpolate, substitute};
use swarmtop_fuzz::{base_env, env_lines, parts};

fuzz_target!(|data: &[u8]| {
    let parts = parts(data, 2);
    let text = &parts[0];
    let mut env = base_env();
    if let Some(vars) = parts.get(1) {
        env_lines(vars, &mut env);
    }
    let lookup = |k: &str| env.get(k).cloned();
    match substitute(text, &lookup) {
        Ok(out) if !text.contains('$') => assert_eq!(&out, text),
        Ok(_) => {}
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
    let escaped = text.replace('$', "$$");
    assert_eq!(substitute(&escaped, &lookup).as_ref(), Ok(text));
    if let Ok(mut doc) = yaml_serde::from_str::<yaml_serde::Value>(text)
        && let Err((_, msg)) = interpolate(&mut doc, &env)
    {
        assert!(!msg.trim().is_empty());
    }
});
