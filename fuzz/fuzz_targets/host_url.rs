//! `HostUrl::parse` (what `-H`, `DOCKER_HOST`, `SWARMTOP_HOSTS` and a context's endpoint go
//! through). Nothing may panic; an error names the URL; a host that parses prints as a URL that
//! parses to the same host (the header and messages show it); and nothing that parses can put
//! an option, a space or a control character into the `ssh` command line.

#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmtop::connect::HostUrl;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for tls in [false, true] {
        match HostUrl::parse(&text, tls) {
            Ok(h) => {
                let shown = h.to_string();
                assert_eq!(
                    HostUrl::parse(&shown, tls).as_ref(),
                    Ok(&h),
                    "{text:?} prints as {shown:?}"
                );
                match &h {
                    HostUrl::Ssh(t) => {
                        let bad = |s: &str| {
                            s.is_empty()
                                || s.starts_with('-')
                                || s.chars().any(|c| c.is_whitespace() || c.is_control())
                        };
                        assert!(!bad(&t.host), "ssh host {:?}", t.host);
                        if let Some(u) = &t.user {
                            assert!(!bad(u), "ssh user {u:?}");
                        }
                        assert_ne!(t.port, Some(0));
                    }
                    HostUrl::Tcp { host, port } => {
                        assert!(
                            !host.is_empty() && !host.starts_with('-'),
                            "tcp host {host:?}"
                        );
                        assert_ne!(*port, 0);
                    }
                    HostUrl::Unix(p) => assert!(!p.as_os_str().is_empty()),
                }
            }
            Err(e) => assert!(!e.to_string().trim().is_empty()),
        }
    }
});
