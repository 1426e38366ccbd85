// What the registry knows of the designs, for people: the traits table (one row per
// design, the version of each shared path), the hooks table (which design's code runs
// each hook), both as Markdown for the README and `cowcheck list traits|hooks`; and the
// source of a new design derived from an existing one (`cowcheck new-design`).
#pragma once
#include <string>

namespace cow {

// One row per library design: name, kind, kernel, date, summary, source.
std::string designs_table_md();
std::string traits_table_md();
std::string hooks_table_md();

// The file `cowcheck new-design NAME --from BASE` writes: a design class deriving from
// BASE's, with BASE's traits and every hook listed (commented out), each with the kernel
// function it stands for and the design whose code runs it in BASE. Throws InputError for
// an unknown base, a name already taken or not of the form a design name takes.
std::string new_design_source(const std::string& name, const std::string& base);
// Where that file goes, relative to the source tree: model/designs/NAME.cpp with '.' and
// '-' as '_'.
std::string new_design_path(const std::string& name);

}  // namespace cow
