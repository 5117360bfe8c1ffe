//! The IPC surface is written in two places: the one list of commands (commands/list.rs,
//! which lib.rs registers and build.rs turns into permissions, all granted to the main window
//! as the app's `default`) and the UI's typed calls (ui/src/lib/ipc.ts, the `Commands` map
//! and its `call`s). A command missing from one of them fails only at run time ("not
//! allowed", "command not found"), so this test reads them, and the palette's own grant, and
//! fails when they disagree.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    const LIST: &str = include_str!("commands/list.rs");
    const MAIN: &str = include_str!("../capabilities/main.json");
    const PICK: &str = include_str!("../capabilities/pick.json");
    const IPC: &str = include_str!("../../ui/src/lib/ipc.ts");
    const PALETTE: &str = include_str!("../../ui/src/Palette.svelte");

    /// The text between `start` and the first `end` after it.
    fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
        let from = text.find(start).expect("start marker") + start.len();
        let len = text[from..].find(end).expect("end marker");
        &text[from..from + len]
    }

    /// The commands of the one list, by name.
    fn listed() -> BTreeSet<String> {
        between(LIST, "$then![", "]")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|path| path.rsplit("::").next().unwrap_or(path).to_owned())
            .collect()
    }

    /// The permissions a capability names.
    fn permissions(capability: &str) -> Vec<String> {
        let json: serde_json::Value = serde_json::from_str(capability).expect("capability JSON");
        json["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .filter_map(|p| Some(p.as_str()?.to_owned()))
            .collect()
    }

    /// The app's commands a capability allows by name (`allow-copy-code` → `copy_code`).
    fn allowed(capability: &str) -> BTreeSet<String> {
        permissions(capability)
            .iter()
            .filter_map(|p| p.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect()
    }

    /// The command names the UI passes to `call`.
    fn called() -> BTreeSet<String> {
        IPC.split("call(\"")
            .skip(1)
            .filter_map(|rest| Some(rest[..rest.find('"')?].to_owned()))
            .collect()
    }

    /// The commands the UI's `Commands` map types.
    fn typed() -> BTreeSet<String> {
        between(IPC, "export type Commands = {", "\n};")
            .lines()
            .filter_map(|line| {
                line.trim()
                    .split_once(": [")
                    .map(|(name, _)| name.to_owned())
            })
            .collect()
    }

    #[test]
    fn the_lists_of_commands_agree() {
        let listed = listed();
        assert!(listed.len() > 40, "{listed:?}");
        let main = permissions(MAIN);
        assert!(
            main.iter().any(|p| p == "default"),
            "capabilities/main.json grants the app's default permission: {main:?}"
        );
        assert!(
            allowed(MAIN).is_empty(),
            "capabilities/main.json names commands one by one again: {:?}",
            allowed(MAIN)
        );
        let pick = allowed(PICK);
        assert!(
            pick.is_subset(&listed),
            "capabilities/pick.json allows commands that do not exist: {:?}",
            pick.difference(&listed).collect::<Vec<_>>()
        );
        assert!(
            !permissions(PICK).iter().any(|p| p == "default"),
            "the palette gets only its few commands"
        );
        assert_eq!(
            called(),
            listed,
            "ui/src/lib/ipc.ts calls against commands/list.rs"
        );
        assert_eq!(
            typed(),
            listed,
            "ui/src/lib/ipc.ts Commands against commands/list.rs"
        );
    }

    /// The commands the palette's page calls through `ipc.name(…)`, by command name (the
    /// `name: (…) => call("command"…)` lines of ipc.ts map one to the other).
    fn palette_calls() -> BTreeSet<String> {
        let by_method: std::collections::BTreeMap<&str, &str> = IPC
            .lines()
            .filter_map(|line| {
                let (method, rest) = line.trim().split_once(": (")?;
                let command = rest.split_once("call(\"")?.1.split_once('"')?.0;
                Some((method, command))
            })
            .collect();
        PALETTE
            .split("ipc.")
            .skip(1)
            .filter_map(|rest| {
                let method: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                by_method.get(method.as_str()).map(|c| (*c).to_owned())
            })
            .collect()
    }

    /// A command the palette calls without its grant fails only there, at run time ("not
    /// allowed"), and the palette's tests, on mocked IPC, never see it.
    #[test]
    fn the_palette_is_granted_every_command_it_calls() {
        let calls = palette_calls();
        assert!(
            calls.contains("unlock_vault") && calls.contains("copy_code"),
            "{calls:?}"
        );
        let pick = allowed(PICK);
        assert!(
            calls.is_subset(&pick),
            "ui/src/Palette.svelte calls commands capabilities/pick.json does not grant: {:?}",
            calls.difference(&pick).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_missing_command_is_seen() {
        // The readers find what they are meant to find: a list without `copy_code` differs.
        let mut fewer = listed();
        assert!(fewer.remove("copy_code"));
        assert_ne!(fewer, called());
        assert_ne!(fewer, typed());
        assert!(called().contains("hide_pick") && allowed(PICK).contains("hide_pick"));
    }
}
