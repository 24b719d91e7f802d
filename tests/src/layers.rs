//! A crate's module import graph, read from its source, and the two checks
//! on it: no circle, and no import from a lower layer into a higher one.
//!
//! A node is a module (`rule::setup`; the crate root is `""`). There is an
//! edge from A to B when A's source names a path into B: a `use` (re-exports
//! included), a path in code (`crate::stream::stream(…)`), or a path in a
//! macro's tokens (`$crate::integrand::Integrand`). `crate::`, `self::` and
//! `super::` paths are followed, and a name a module re-exports is followed to
//! the module that defines it, so `crate::Setup` counts as an import of
//! `rule::setup`, not of the root. The root's own edges are left out: it
//! declares and re-exports everything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The import graph: every module and the modules each one imports.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Graph {
    /// Every module, by path (`""` is the crate root).
    pub modules: BTreeSet<String>,
    /// For each module, the modules it imports (never itself).
    pub edges: BTreeMap<String, BTreeSet<String>>,
}

impl Graph {
    /// A graph from `(from, to)` pairs, for made-up graphs.
    pub fn from_edges(edges: &[(&str, &str)]) -> Graph {
        let mut graph = Graph::default();
        for &(from, to) in edges {
            graph.modules.insert(from.to_string());
            graph.modules.insert(to.to_string());
            graph.edges.entry(from.to_string()).or_default().insert(to.to_string());
        }
        graph
    }

    /// The circles: each set of modules that import one another, round and round.
    pub fn circles(&self) -> Vec<Vec<String>> {
        // Tarjan's strongly connected components, iterative over the graph's size.
        struct State<'g> {
            graph: &'g Graph,
            index: BTreeMap<&'g str, usize>,
            low: BTreeMap<&'g str, usize>,
            stack: Vec<&'g str>,
            on_stack: BTreeSet<&'g str>,
            found: Vec<Vec<String>>,
        }
        fn visit<'g>(s: &mut State<'g>, node: &'g str) {
            let i = s.index.len();
            s.index.insert(node, i);
            s.low.insert(node, i);
            s.stack.push(node);
            s.on_stack.insert(node);
            for next in s.graph.edges.get(node).into_iter().flatten() {
                let next = next.as_str();
                if !s.index.contains_key(next) {
                    visit(s, next);
                    let low = s.low[node].min(s.low[next]);
                    s.low.insert(node, low);
                } else if s.on_stack.contains(next) {
                    let low = s.low[node].min(s.index[next]);
                    s.low.insert(node, low);
                }
            }
            if s.low[node] == s.index[node] {
                let mut component = Vec::new();
                while let Some(top) = s.stack.pop() {
                    s.on_stack.remove(top);
                    component.push(top.to_string());
                    if top == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    s.found.push(component);
                }
            }
        }
        let mut state = State {
            graph: self,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            found: Vec::new(),
        };
        for node in &self.modules {
            if !state.index.contains_key(node.as_str()) {
                visit(&mut state, node);
            }
        }
        state.found
    }

    /// Every import against `layers` (bottom first; each a name and the
    /// module paths it holds, a path standing for itself and its submodules),
    /// and every module in no layer. The root may import anything and no one
    /// may import it.
    pub fn against_layers(&self, layers: &[(&str, &[&str])]) -> Vec<String> {
        let layer_of = |module: &str| -> Option<usize> {
            layers
                .iter()
                .enumerate()
                .flat_map(|(rank, (_, paths))| paths.iter().map(move |p| (rank, *p)))
                .filter(|(_, p)| module == *p || module.starts_with(&format!("{p}::")))
                .max_by_key(|(_, p)| p.len())
                .map(|(rank, _)| rank)
        };
        let mut problems = Vec::new();
        for module in self.modules.iter().filter(|m| !m.is_empty()) {
            if layer_of(module).is_none() {
                problems.push(format!("`{module}` is in no layer: add it to the layer table"));
            }
        }
        for (from, targets) in &self.edges {
            if from.is_empty() {
                continue;
            }
            for to in targets {
                let (Some(low), high) = (layer_of(from), to.is_empty().then_some(usize::MAX).or(layer_of(to))) else {
                    continue;
                };
                let Some(high) = high else { continue };
                if high > low {
                    let name = |rank: usize| layers.get(rank).map_or("the crate root", |l| l.0);
                    problems.push(format!(
                        "`{from}` (layer `{}`) imports `{}` (layer `{}`), a layer above it",
                        name(low),
                        if to.is_empty() { "crate" } else { to },
                        name(high)
                    ));
                }
            }
        }
        problems
    }
}

/// Reads every `.rs` file under `src` (a crate's `src/` folder) into its import graph.
pub fn read_crate(src: &Path) -> Result<Graph, String> {
    let mut files = Vec::new();
    collect(src, src, &mut files)?;
    let sources: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    read_sources(&sources)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).map_err(|e| e.to_string())?.to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            out.push((relative, text));
        }
    }
    Ok(())
}

/// The module a file holds, by the usual layout: `lib.rs` is the root,
/// `a/mod.rs` and `a.rs` are `a`, `a/b.rs` is `a::b`.
pub fn module_of(file: &str) -> String {
    let trimmed = file.trim_end_matches(".rs");
    let parts: Vec<&str> = trimmed.split('/').collect();
    let parts = match parts.as_slice() {
        ["lib"] | ["main"] => &[][..],
        [rest @ .., "mod"] => rest,
        all => all,
    };
    parts.join("::")
}

/// Reads `(file, text)` pairs (paths relative to `src/`) into the import graph.
pub fn read_sources(files: &[(&str, &str)]) -> Result<Graph, String> {
    let mut parsed = Vec::new();
    for (file, text) in files {
        let syntax = syn::parse_file(text).map_err(|e| format!("{file}: {e}"))?;
        parsed.push((module_of(file), syntax));
    }
    let mut modules = BTreeSet::new();
    for (module, syntax) in &parsed {
        modules.insert(module.clone());
        inline_modules(module, &syntax.items, &mut modules);
    }
    // First every module's re-exports, then every path, resolved through them.
    let mut reexports: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut mentions: Vec<(String, Vec<String>)> = Vec::new();
    for (module, syntax) in &parsed {
        let mut reader =
            Reader { module: module.clone(), modules: &modules, reexports: &mut reexports, mentions: &mut mentions };
        reader.visit_file(syntax);
    }
    let mut graph = Graph { modules: modules.clone(), edges: BTreeMap::new() };
    for (from, path) in mentions {
        let to = resolve(&modules, &reexports, path, 0);
        if to != from && !from.is_empty() {
            graph.edges.entry(from).or_default().insert(to);
        }
    }
    Ok(graph)
}

fn inline_modules(module: &str, items: &[syn::Item], out: &mut BTreeSet<String>) {
    for item in items {
        if let syn::Item::Mod(m) = item
            && let Some((_, inner)) = &m.content
        {
            let path = join(module, &m.ident.to_string());
            out.insert(path.clone());
            inline_modules(&path, inner, out);
        }
    }
}

fn join(module: &str, name: &str) -> String {
    if module.is_empty() { name.to_string() } else { format!("{module}::{name}") }
}

/// The module a path (`crate`-relative segments) lands in, following re-exports.
fn resolve(
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<(String, String), Vec<String>>,
    path: Vec<String>,
    depth: usize,
) -> String {
    // The longest prefix of the path that is a module.
    let mut split = 0;
    for k in 1..=path.len() {
        if modules.contains(&path[..k].join("::")) {
            split = k;
        }
    }
    let module = path[..split].join("::");
    if depth < 16
        && let Some(name) = path.get(split)
        && let Some(target) = reexports.get(&(module.clone(), name.clone()))
    {
        let mut next = target.clone();
        next.extend(path[split + 1..].iter().cloned());
        return resolve(modules, reexports, next, depth + 1);
    }
    module
}

/// Reads one file: its re-exports, and every path it mentions.
struct Reader<'a> {
    module: String,
    modules: &'a BTreeSet<String>,
    reexports: &'a mut BTreeMap<(String, String), Vec<String>>,
    mentions: &'a mut Vec<(String, Vec<String>)>,
}

impl Reader<'_> {
    /// `crate::`, `self::`, `super::` paths, and paths that start with a
    /// submodule's name (`setup::Setup` in `rule`), as `crate`-relative
    /// segments; `None` for other paths (other crates, local names).
    fn absolute(&self, segments: &[String]) -> Option<Vec<String>> {
        let mut base: Vec<String> =
            if self.module.is_empty() { Vec::new() } else { self.module.split("::").map(String::from).collect() };
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") | Some("$crate") => {
                base.clear();
                rest = &rest[1..];
            }
            Some("self") => rest = &rest[1..],
            Some("super") => {
                while rest.first().map(String::as_str) == Some("super") {
                    base.pop()?;
                    rest = &rest[1..];
                }
            }
            Some(first) if self.modules.contains(&join(&self.module, first)) => {}
            _ => return None,
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn mention(&mut self, segments: &[String]) {
        if let Some(path) = self.absolute(segments) {
            self.mentions.push((self.module.clone(), path));
        }
    }

    /// Walks a `use` tree, noting each full path, and each re-exported name.
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, exported: bool) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, exported);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.use_leaf(prefix, &n.ident.to_string(), None, exported),
            syn::UseTree::Rename(r) => {
                self.use_leaf(prefix, &r.ident.to_string(), Some(r.rename.to_string()), exported)
            }
            syn::UseTree::Glob(_) => {
                let path = prefix.clone();
                self.mention(&path);
            }
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(prefix, item, exported);
                }
            }
        }
    }

    fn use_leaf(&mut self, prefix: &[String], name: &str, rename: Option<String>, exported: bool) {
        // `use a::b::{self}` names the module `a::b` itself.
        let (path, alias) = if name == "self" {
            (prefix.to_vec(), rename.or_else(|| prefix.last().cloned()))
        } else {
            let mut path = prefix.to_vec();
            path.push(name.to_string());
            (path, Some(rename.unwrap_or_else(|| name.to_string())))
        };
        let Some(absolute) = self.absolute(&path) else { return };
        self.mentions.push((self.module.clone(), absolute.clone()));
        if exported && let Some(alias) = alias {
            self.reexports.insert((self.module.clone(), alias), absolute);
        }
    }

    /// Paths inside macro tokens: `crate :: a :: b`, `$crate :: a`, `self :: a`, `super :: a`.
    fn tokens(&mut self, tokens: TokenStream) {
        let flat: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < flat.len() {
            match &flat[i] {
                TokenTree::Group(group) => self.tokens(group.stream()),
                TokenTree::Ident(ident) if ["crate", "self", "super"].contains(&ident.to_string().as_str()) => {
                    let dollar = i > 0 && matches!(&flat[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
                    let mut segments = vec![if dollar { "$crate".to_string() } else { ident.to_string() }];
                    let mut j = i + 1;
                    // `::` is two `:` puncts, then an identifier.
                    while j + 2 < flat.len() + 1
                        && matches!(flat.get(j), Some(TokenTree::Punct(p)) if p.as_char() == ':')
                        && matches!(flat.get(j + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':')
                    {
                        match flat.get(j + 2) {
                            Some(TokenTree::Ident(next)) => {
                                segments.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    if segments.len() > 1 {
                        self.mention(&segments);
                    }
                    i = j.max(i + 1);
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Reader<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let exported = !matches!(item.vis, syn::Visibility::Inherited);
        let mut prefix = Vec::new();
        self.use_tree(&mut prefix, &item.tree, exported);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if let Some((_, items)) = &item.content {
            let inner = join(&self.module, &item.ident.to_string());
            let outer = std::mem::replace(&mut self.module, inner);
            for inner in items {
                self.visit_item(inner);
            }
            self.module = outer;
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1 {
            self.mention(&segments);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYERS: &[(&str, &[&str])] = &[("bottom", &["base"]), ("middle", &["rule"]), ("top", &["run"])];

    #[test]
    fn a_made_up_circle_is_found() {
        let graph = Graph::from_edges(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")]);
        assert_eq!(graph.circles(), vec![vec!["a".to_string(), "b".to_string(), "c".to_string()]]);
        let two = Graph::from_edges(&[("x", "y"), ("y", "x"), ("p", "q")]);
        assert_eq!(two.circles().len(), 1);
        assert!(Graph::from_edges(&[("a", "b"), ("b", "c"), ("a", "c")]).circles().is_empty(), "a tree has none");
    }

    #[test]
    fn an_import_upwards_and_a_module_in_no_layer_are_found() {
        let graph = Graph::from_edges(&[
            ("run", "rule"),
            ("rule::kernel", "base"),
            ("base", "rule::kernel"),
            ("extra", "base"),
        ]);
        let problems = graph.against_layers(LAYERS);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("`base` (layer `bottom`) imports `rule::kernel` (layer `middle`)")));
        assert!(problems.iter().any(|p| p.contains("`extra` is in no layer")));
        let fine =
            Graph::from_edges(&[("run", "rule"), ("run", "base"), ("rule::kernel", "base"), ("rule", "rule::kernel")]);
        assert!(fine.against_layers(LAYERS).is_empty());
        let to_root = Graph::from_edges(&[("rule", "")]);
        assert!(to_root.against_layers(LAYERS)[0].contains("imports `crate`"));
    }

    #[test]
    fn sources_are_read_into_edges_through_re_exports_and_macros() {
        let files = [
            ("lib.rs", "pub mod base; pub mod rule; mod run; pub use rule::Setup; pub use run::go;"),
            ("base.rs", "pub fn f() {} pub(crate) use crate::base::f as g;"),
            ("rule/mod.rs", "mod setup; pub use setup::Setup; #[cfg(test)] mod tests { use super::*; }"),
            (
                "rule/setup.rs",
                "pub struct Setup; impl Setup { fn x() { crate::base::g(); } } macro_rules! m { () => { $crate::run::go() } }",
            ),
            ("run.rs", "use crate::Setup; pub fn go() { let _ = format!(\"{}\", super::base::f()); }"),
        ];
        let graph = read_sources(&files).unwrap();
        let edges = |m: &str| graph.edges.get(m).cloned().unwrap_or_default().into_iter().collect::<Vec<_>>();
        assert_eq!(edges("rule"), ["rule::setup"]);
        assert_eq!(edges("rule::tests"), ["rule"]);
        // Through the root's re-export to where Setup is defined; `g` is `base` itself.
        assert_eq!(edges("run"), ["base", "rule::setup"], "a path in a macro call's tokens too");
        assert_eq!(edges("rule::setup"), ["base", "run"], "a path in code, and one in a macro's tokens");
        assert_eq!(graph.circles(), vec![vec!["rule::setup".to_string(), "run".to_string()]]);
        assert!(!graph.edges.contains_key(""), "the root's own edges are left out");
    }

    #[test]
    fn files_are_modules_by_the_usual_layout() {
        assert_eq!(module_of("lib.rs"), "");
        assert_eq!(module_of("rule/mod.rs"), "rule");
        assert_eq!(module_of("rule/setup.rs"), "rule::setup");
        assert_eq!(module_of("stream.rs"), "stream");
    }
}
