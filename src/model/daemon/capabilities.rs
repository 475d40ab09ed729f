//! `capabilities` (libcap's IAB text, as OpenRC passes it to `cap_iab_from_text`), `secbits` and
//! `no_new_privs` → what util-linux `setpriv` is told, since s6 2.11 has no capability tools.

use super::super::service::Privileges;

/// Capability names setpriv (util-linux 2.38) knows, without the `cap_` prefix.
const CAPABILITIES: &[&str] = &[
    "chown",
    "dac_override",
    "dac_read_search",
    "fowner",
    "fsetid",
    "kill",
    "setgid",
    "setuid",
    "setpcap",
    "linux_immutable",
    "net_bind_service",
    "net_broadcast",
    "net_admin",
    "net_raw",
    "ipc_lock",
    "ipc_owner",
    "sys_module",
    "sys_rawio",
    "sys_chroot",
    "sys_ptrace",
    "sys_pacct",
    "sys_admin",
    "sys_boot",
    "sys_nice",
    "sys_resource",
    "sys_time",
    "sys_tty_config",
    "mknod",
    "lease",
    "audit_write",
    "audit_control",
    "setfcap",
    "mac_override",
    "mac_admin",
    "syslog",
    "wake_alarm",
    "block_suspend",
    "audit_read",
    "perfmon",
    "bpf",
    "checkpoint_restore",
];

/// Securebits by value (linux/securebits.h) with setpriv's names; `None` where setpriv has none.
const SECUREBITS: &[(u32, Option<&str>)] = &[
    (0x01, Some("noroot")),
    (0x02, Some("noroot_locked")),
    (0x04, Some("no_setuid_fixup")),
    (0x08, Some("no_setuid_fixup_locked")),
    // keep_caps is cleared by execve, so setting it before exec does nothing.
    (0x10, None),
    (0x20, Some("keep_caps_locked")),
    (0x40, None),
    (0x80, None),
];

/// Reads an IAB string such as `^cap_net_bind_service,!cap_sys_admin,%cap_kill` into `p`.
pub fn parse_iab(text: &str, p: &mut Privileges) -> Result<(), String> {
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (kind, name) = match item.chars().next() {
            Some(c @ ('!' | '^' | '%')) => (c, &item[1..]),
            _ => (' ', item),
        };
        let lower = name.to_ascii_lowercase();
        let bare = lower.strip_prefix("cap_").unwrap_or(&lower).to_string();
        let cap = if let Ok(n) = bare.parse::<usize>() {
            CAPABILITIES.get(n).map(|s| s.to_string()).ok_or_else(|| format!("capability number {n} is unknown"))?
        } else if CAPABILITIES.contains(&bare.as_str()) {
            bare
        } else {
            return Err(format!("`{name}` is not a capability"));
        };
        match kind {
            '!' => push(&mut p.bounding_drop, cap),
            '^' => {
                push(&mut p.inheritable, cap.clone());
                push(&mut p.ambient, cap);
            }
            _ => push(&mut p.inheritable, cap),
        }
    }
    Ok(())
}

/// Reads a numeric securebits value into `p`.
pub fn parse_secbits(text: &str, p: &mut Privileges) -> Result<(), String> {
    let t = text.trim();
    let value = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u32::from_str_radix(h, 16)
    } else if t.len() > 1 && t.starts_with('0') {
        u32::from_str_radix(&t[1..], 8)
    } else {
        t.parse()
    }
    .map_err(|_| format!("`{t}` is not a number"))?;
    for (bit, name) in SECUREBITS {
        if value & bit != 0 {
            match name {
                Some(n) => push(&mut p.securebits, n.to_string()),
                None if *bit == 0x10 => {}
                None => return Err(format!("securebit {bit:#x} cannot be set with setpriv")),
            }
        }
    }
    if value & !0xff != 0 {
        return Err(format!("`{t}` has bits no kernel defines"));
    }
    Ok(())
}

fn push(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iab_text() {
        let mut p = Privileges::default();
        parse_iab("^cap_net_bind_service,!cap_sys_admin,cap_kill", &mut p).unwrap();
        assert_eq!(p.ambient, vec!["net_bind_service"]);
        assert_eq!(p.inheritable, vec!["net_bind_service", "kill"]);
        assert_eq!(p.bounding_drop, vec!["sys_admin"]);
        assert!(parse_iab("^cap_flying", &mut p).is_err());
    }

    #[test]
    fn secbits() {
        let mut p = Privileges::default();
        parse_secbits("0x5", &mut p).unwrap();
        assert_eq!(p.securebits, vec!["noroot", "no_setuid_fixup"]);
        assert!(parse_secbits("0x40", &mut Privileges::default()).is_err());
    }
}
