//! The IPC surface is written in four places that nothing else keeps in step: the handlers
//! (`generate_handler!` in lib.rs), the commands that get a permission (build.rs), the windows'
//! capabilities (capabilities/*.json) and the UI's calls (ui/src/lib/ipc.ts). A command missing
//! from one of them fails only at run time ("not allowed", "command not found"), so this test
//! reads all four and fails when they disagree.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    const LIB: &str = include_str!("lib.rs");
    const BUILD: &str = include_str!("../build.rs");
    const MAIN: &str = include_str!("../capabilities/main.json");
    const PICK: &str = include_str!("../capabilities/pick.json");
    const IPC: &str = include_str!("../../ui/src/lib/ipc.ts");

    /// The text between `start` and the first `end` after it.
    fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
        let from = text.find(start).expect("start marker") + start.len();
        let len = text[from..].find(end).expect("end marker");
        &text[from..from + len]
    }

    fn handlers() -> BTreeSet<String> {
        between(LIB, "generate_handler![", "]")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|path| path.rsplit("::").next().unwrap_or(path).to_owned())
            .collect()
    }

    fn permitted() -> BTreeSet<String> {
        between(BUILD, "const COMMANDS: &[&str] = &[", "];")
            .split(',')
            .map(|s| s.trim().trim_matches('"'))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The commands a capability allows (`allow-copy-code` → `copy_code`).
    fn allowed(capability: &str) -> BTreeSet<String> {
        let json: serde_json::Value = serde_json::from_str(capability).expect("capability JSON");
        json["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect()
    }

    /// The command names the UI passes to `invoke`.
    fn invoked() -> BTreeSet<String> {
        IPC.split("invoke")
            .skip(1)
            .filter_map(|rest| {
                let rest = rest.trim_start();
                let rest = match rest.strip_prefix('<') {
                    // Skip the type argument, which may itself hold `<…>`.
                    Some(_) => {
                        let mut depth = 0;
                        let end = rest.char_indices().find_map(|(i, c)| {
                            match c {
                                '<' => depth += 1,
                                '>' => depth -= 1,
                                _ => {}
                            }
                            (depth == 0).then_some(i + 1)
                        })?;
                        &rest[end..]
                    }
                    None => rest,
                };
                let name = rest.strip_prefix("(\"")?;
                Some(name[..name.find('"')?].to_owned())
            })
            .collect()
    }

    #[test]
    fn the_four_lists_of_commands_agree() {
        let handlers = handlers();
        assert!(handlers.len() > 40, "{handlers:?}");
        assert_eq!(
            permitted(),
            handlers,
            "build.rs COMMANDS against generate_handler!"
        );
        assert_eq!(
            allowed(MAIN),
            handlers,
            "capabilities/main.json against generate_handler!"
        );
        let pick = allowed(PICK);
        assert!(
            pick.is_subset(&handlers),
            "capabilities/pick.json allows commands that do not exist: {:?}",
            pick.difference(&handlers).collect::<Vec<_>>()
        );
        assert_eq!(
            invoked(),
            handlers,
            "ui/src/lib/ipc.ts against generate_handler!"
        );
    }

    #[test]
    fn a_missing_command_is_seen() {
        // The readers find what they are meant to find: a list without `copy_code` differs.
        let mut fewer = handlers();
        assert!(fewer.remove("copy_code"));
        assert_ne!(fewer, invoked());
        assert!(invoked().contains("hide_pick") && allowed(PICK).contains("hide_pick"));
    }
}
