//! YAML scalars as text, for messages and keys: shared by the loader, the checks and
//! interpolation, so it sits below all three.

use yaml_serde::Value;

/// Text for a YAML key or scalar that is not a string (`1:`, `true:`).
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        _ => "?".into(),
    }
}
