// The designs' tables and the new-design generator: see design_tables.hpp.
#include "checker/design_tables.hpp"

#include <cctype>
#include <fmt/format.h>
#include <vector>

#include "model/design_registry.hpp"
#include "model/input_error.hpp"

namespace cow {

namespace {

std::string md_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

// "cow::designs::V5_19" -> "V5_19"
std::string unqualified(const std::string& cls) {
  const auto at = cls.rfind("::");
  return at == std::string::npos ? cls : cls.substr(at + 2);
}

std::string header_of(const std::string& file) {
  return file.size() > 4 && file.ends_with(".cpp") ? file.substr(0, file.size() - 4) + ".hpp" : file;
}

std::string class_name_for(const std::string& name) {
  std::string c;
  for (char ch : name) c += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  if (c.empty() || std::isdigit(static_cast<unsigned char>(c[0]))) c = "D" + c;
  c[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(c[0])));
  return c;
}

// The parameter names of a hook declaration: "(Step& st, unsigned mm)" -> {"st", "mm"}.
std::vector<std::string> parameter_names(std::string_view decl) {
  std::vector<std::string> names;
  const auto open = decl.find('('), close = decl.find(')');
  std::string_view params = decl.substr(open + 1, close - open - 1);
  while (!params.empty()) {
    const auto comma = params.find(',');
    std::string_view p = params.substr(0, comma);
    while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
    auto start = p.size();
    while (start > 0 && (std::isalnum(static_cast<unsigned char>(p[start - 1])) || p[start - 1] == '_')) --start;
    if (start < p.size()) names.emplace_back(p.substr(start));
    if (comma == std::string_view::npos) break;
    params.remove_prefix(comma + 1);
  }
  return names;
}

}  // namespace

std::string designs_table_md() {
  std::string s = "| design | kind | kernel | date | what it models | source |\n|---|---|---|---|---|---|\n";
  for (const RegisteredDesign& r : registered_designs()) {
    const DesignTraits& t = r.design->traits();
    s += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", t.name, kind_name(t.kind), t.kernel, t.date, md_escape(t.summary),
                     md_escape(t.source));
  }
  return s;
}

std::string traits_table_md() {
  std::string s = "| design | base | kernel | kind | date |";
  std::string rule = "|---|---|---|---|---|";
  for (const TraitField& f : trait_fields()) {
    s += fmt::format(" {} |", f.title);
    rule += "---|";
  }
  s += "\n" + rule + "\n";
  for (const RegisteredDesign& r : registered_designs()) {
    const DesignTraits& t = r.design->traits();
    s += fmt::format("| {} | {} | {} | {} | {} |", t.name, t.base.empty() ? "—" : t.base, t.kernel, kind_name(t.kind),
                     t.date);
    for (const TraitField& f : trait_fields()) s += fmt::format(" {} |", f.text(t));
    s += "\n";
  }
  s += "\nColumns:\n";
  for (const TraitField& f : trait_fields()) s += fmt::format("- {} (`{}`): {}\n", f.title, f.field, md_escape(f.meaning));
  return s;
}

std::string hooks_table_md() {
  std::string s = "| design |";
  std::string rule = "|---|";
  for (const HookInfo& h : hooks()) {
    s += fmt::format(" {} |", h.name);
    rule += "---|";
  }
  s += "\n" + rule + "\n";
  for (const RegisteredDesign& r : registered_designs()) {
    s += fmt::format("| {} |", r.design->name());
    for (std::size_t i = 0; i < kHookCount; ++i)
      s += fmt::format(" {} |", r.hook_origin[i].empty() ? std::string("·") : std::string(r.hook_origin[i]));
    s += "\n";
  }
  s += "\nEach cell names the design whose code runs the hook (the class that last defined it); "
       "· is the shared default in model/design.cpp. Hooks:\n";
  for (const HookInfo& h : hooks()) s += fmt::format("- {}: {}\n", h.name, md_escape(h.kernel));
  return s;
}

std::string new_design_path(const std::string& name) {
  std::string f;
  for (char c : name) f += (c == '.' || c == '-') ? '_' : c;
  return "model/designs/" + f + ".cpp";
}

std::string new_design_source(const std::string& name, const std::string& base) {
  bool ok = !name.empty() && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name) ok &= std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                            c == '.' || c == '-' || c == '_';
  if (!ok)
    throw InputError("new-design: a design name is lower-case letters, digits, '.', '-' and '_', starting with a "
                     "letter or digit (e.g. v6.0 or fork-lock-writable), got '" + name + "'");
  if (find_design(name)) throw InputError("new-design: a design named '" + name + "' exists already");
  const RegisteredDesign* b = find_registered(base);
  if (!b) {
    std::string known;
    for (const Design* d : all_designs()) known += (known.empty() ? "" : ", ") + std::string(d->name());
    throw InputError("new-design: unknown base design '" + base + "' (known: " + known + ")");
  }
  const DesignTraits& t = b->design->traits();
  const std::string base_class = unqualified(b->cpp_class);
  const std::string cls = class_name_for(name);

  std::string s;
  s += fmt::format(
      "// Design {0} — TODO: what it models, in one sentence: the patch (commit id, or the\n"
      "// mail's Message-ID and date) and the kernel it applies to ({1}, {2}).\n"
      "//\n"
      "// Written by `cowcheck new-design {0} --from {1}`: {1}'s traits and every hook, each\n"
      "// commented with the kernel function it stands for and the design whose code runs it\n"
      "// in {1}. Change the traits the patch changes; uncomment, fill in and quote the kernel\n"
      "// code (verbatim, with file, function and version) of each hook it changes; delete the\n"
      "// rest. docs/writing-a-design.md is the guide.\n"
      "#include \"{3}\"\n"
      "\n"
      "#include \"model/design_registry.hpp\"\n"
      "#include \"model/kernel.hpp\"\n"
      "\n"
      "namespace cow::designs {{\n"
      "using namespace cow::kernel;\n"
      "\n"
      "class {4} : public {5} {{\n"
      " public:\n"
      "  static constexpr DesignTraits kTraits = [] {{\n"
      "    DesignTraits t = {5}::kTraits;\n"
      "    t.name = \"{0}\";\n"
      "    t.base = \"{1}\";\n"
      "    t.kernel = \"{2}\";  // the kernel the patch applies to\n"
      "    t.kind = DesignKind::Proposal;  // or Release\n"
      "    t.date = \"YYYY-MM-DD\";  // when it was posted or released\n"
      "    t.summary = \"TODO: one line, what the design does differently\";\n"
      "    t.source = \"TODO: commit ids, files, Message-IDs\";\n"
      "    // The shared paths, as {1} runs them (model/design_traits.hpp says what each value\n"
      "    // means); change what the patch changes:\n",
      name, base, t.kernel, header_of(b->file), cls, base_class);
  for (const TraitField& f : trait_fields()) s += fmt::format("    t.{} = {};  // {}\n", f.field, f.cpp(t), f.title);
  s += "    return t;\n  }();\n";
  for (std::size_t i = 0; i < kHookCount; ++i) {
    const HookInfo& h = hooks()[i];
    std::string decl(h.declaration);
    const std::string ret = decl.substr(0, decl.find(' '));
    std::string args;
    for (const std::string& p : parameter_names(decl)) args += (args.empty() ? "" : ", ") + p;
    std::string origin = "the shared default (model/design.cpp)";
    if (!b->hook_origin[i].empty()) {
      const RegisteredDesign* o = find_registered(b->hook_origin[i]);
      origin = std::string(b->hook_origin[i]) + "'s code (" + (o ? o->file : std::string("?")) + ")";
    }
    s += fmt::format("\n  // {}: {}.\n  // In {}: {}.\n", h.name, h.kernel, base, origin);
    s += fmt::format("  // {} {{\n", decl);
    s += fmt::format("  //   {}{}::{}({});\n  // }}\n", ret == "void" ? "" : "return ", base_class, h.name, args);
  }
  s += fmt::format("}};\n\nstatic const RegisterDesign<{}> registered;\n\n}}  // namespace cow::designs\n", cls);
  return s;
}

}  // namespace cow
