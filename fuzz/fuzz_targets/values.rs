//! What an operator types into a prompt (`ops::validate`: replicas, images, object names,
//! labels, durations) and the small grammars a compose file borrows (`stack::values`:
//! durations, sizes, CPUs, shell words, ports, volumes, image references), each line of the
//! input through every parser. Nothing may panic; what is accepted is in range; Go durations
//! print back to the same value (a stack rebuilt from live specs writes them out that way).

#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmtop::ops::validate;
use swarmtop::stack::values;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.lines().take(16) {
        if let Ok(n) = validate::parse_replicas(line) {
            assert!(n <= validate::MAX_REPLICAS);
        }
        if let Ok(img) = validate::parse_image(line) {
            assert!(!img.is_empty() && !img.chars().any(char::is_whitespace));
        }
        let _ = validate::check_object_name("secret", line);
        if let Ok(labels) = validate::parse_labels(line) {
            assert!(labels.iter().all(|(k, _)| !k.is_empty()));
        }
        if let Ok(ns) = validate::parse_duration(line) {
            // a form shows a live delay this way and may send it back unchanged
            let shown = validate::format_duration(ns);
            assert_eq!(
                validate::parse_duration(&shown),
                Ok(ns),
                "{line:?} shows as {shown:?}"
            );
        }

        if let Ok(ns) = values::parse_duration(line) {
            let shown = values::format_duration(ns);
            assert_eq!(
                values::parse_duration(&shown),
                Ok(ns),
                "{line:?} prints as {shown:?}"
            );
        }
        let _ = values::parse_ram_bytes(line);
        let _ = values::parse_nano_cpus(line);
        let _ = values::shell_split(line);
        if let Ok(ports) = values::parse_port_spec(line) {
            assert!(!ports.is_empty() && ports.len() <= 65_536);
        }
        let _ = values::parse_volume_spec(line);
        let _ = values::check_image_ref(line);
    }
});
