#include "apps/kernels_command.h"

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "kernels/cpu/cpu_features.h"
#include "kernels/registry.h"

namespace thorax::apps {

void add_kernels_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("kernels", "List every registered kernel op and its versions (reference first; "
                                            "* marks the version training runs on the CPU)");
  auto filter = std::make_shared<std::string>();  // kept alive by the callback that reads it
  cmd->add_option("--op", *filter, "Show only ops whose name contains this text");
  cmd->callback([filter] {
    std::map<std::string, std::vector<kernels::VersionInfo>> by_op;
    for (const auto& v : kernels::registry())
      if (filter->empty() || v.op.find(*filter) != std::string::npos) by_op[v.op].push_back(v);
    std::printf("%-22s %-14s %-10s %s\n", "op", "version", "backend", "note");
    for (const auto& [op, versions] : by_op)
      for (const auto& v : versions) {
        std::string note = v.is_default_cpu ? "*" : "";
        if (!v.alias_of.empty()) note += (note.empty() ? "" : " ") + std::string("alias of ") + v.alias_of;
        std::printf("%-22s %-14s %-10s %s\n", op.c_str(), v.version.c_str(), kernels::backend_name(v.backend),
                    note.c_str());
      }
    std::printf("%zu ops\n", by_op.size());
    // Versions built for instruction sets this CPU lacks are not registered; say which, and why.
    std::printf("cpu features: %s\n", kernels::cpu::describe(kernels::cpu::detect_cpu_features()).c_str());
    for (const auto& u : kernels::unavailable_versions())
      if (filter->empty() || u.substr(0, u.find('/')).find(*filter) != std::string::npos)
        std::printf("not registered on this cpu: %s\n", u.c_str());
  });
}

}  // namespace thorax::apps
