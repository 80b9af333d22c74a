// Fuzzes what `gatehouse test` and the policy-bundle webhook read from outside: input files split
// and parsed as Conftest does (YAML parts, JSON, top-level arrays; admission/bundle/
// input_documents.h), and each document checked by a small bundle (object and string results,
// an exception, print, a data overlay). Any input must give documents or per-document errors
// naming a document that exists, and checks that end in a result or a typed error — never a
// crash, hang or sanitizer report. The first byte picks the parser and the limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "admission/bundle/input_documents.h"
#include "admission/bundle/policy_bundle.h"

namespace {

namespace bundle = gatehouse::admission::bundle;

const std::shared_ptr<const bundle::NamespaceChecker>& Checker() {
  static const std::shared_ptr<const bundle::NamespaceChecker> checker = [] {
    auto b = bundle::PolicyBundle::Load({{"fuzz.rego", R"(package main

deny contains msg if {
  some c in input.spec.containers
  endswith(c.image, ":latest")
  msg := sprintf("container %v uses latest", [c.name])
}

warn contains {"msg": m, "kind": input.kind} if {
  is_string(input.kind)
  m := concat("/", [input.kind, object.get(input, ["metadata", "name"], "")])
}

violation_named contains input.metadata.name if { print("named", input.metadata.name) }

exception contains ["named"] if { input.metadata.labels.skip == "yes" }
)"}},
                                        gatehouse::rego::Value::EmptyObject());
    if (!b) std::abort();
    auto c = bundle::NamespaceChecker::Prepare(*b, {"main"});
    if (!c) std::abort();
    return *c;
  }();
  return checker;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  bundle::InputLimits limits;
  limits.max_bytes = 1 << 16;
  limits.max_depth = (mode & 2) != 0 ? 8 : 64;
  const bundle::InputParser parser =
      (mode & 1) != 0 ? bundle::InputParser::kJson : bundle::InputParser::kYaml;
  bundle::InputDocuments docs = bundle::ParseInputDocuments(text, parser, limits);
  for (const bundle::DocumentError& e : docs.errors) {
    if (e.document == 0 || e.message.empty()) std::abort();
  }
  bundle::CheckOptions options;
  options.max_steps = 100000;
  std::size_t printed = 0;
  options.print = [&printed](std::string_view) { ++printed; };
  options.data.push_back({{"conftest", "file"}, gatehouse::rego::Value::String("fuzz")});
  for (const gatehouse::rego::Value& doc : docs.documents) {
    std::vector<bundle::CheckResult> results(1);
    gatehouse::Status s = Checker()->Check(doc, options, &results);
    if (!s && s.error().code.wire().empty()) std::abort();
    if (s && results[0].tests() < 3) std::abort();  // three rules: at least three tests
  }
  return 0;
}
