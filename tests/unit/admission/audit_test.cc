// Gatekeeper's audit summary per constraint (admission/audit.h).
#include "admission/audit.h"

#include <gtest/gtest.h>

#include "value/yaml.h"

namespace gatehouse::admission {
namespace {

const char* kSet = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8snamed}
spec:
  crd: {spec: {names: {kind: K8sNamed}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8snamed
        violation[{"msg": msg}] {
          msg := sprintf("%v%v", [input.review.object.metadata.name, input.parameters.suffix])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sNamed
metadata: {name: every}
spec:
  enforcementAction: warn
  parameters: {suffix: ""}
---
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata: {name: config}
spec:
  match: [{excludedNamespaces: ["skip-*"], processes: ["audit"]}]
)";

std::shared_ptr<const PolicySet> Set(const std::string& text) {
  auto docs = value::ParseYamlStream(text);
  EXPECT_TRUE(docs);
  std::vector<SourcedDocument> sourced;
  for (value::Value& d : *docs) sourced.push_back({"set.yaml", std::move(d)});
  return PolicySet::Build(sourced);
}

value::Value ConfigMap(const std::string& name, const std::string& ns) {
  auto v = value::ParseYaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: " + name +
                            ", namespace: " + ns + "}}");
  EXPECT_TRUE(v);
  return *v;
}

TEST(AuditTest, CountsAllKeepsTheSmallestAndListsThemLargestFirst) {
  auto set = Set(kSet);
  std::vector<value::Value> objects;
  for (const char* name : {"d", "b", "e", "a", "c"}) objects.push_back(ConfigMap(name, "ns"));
  objects.push_back(ConfigMap("z", "skip-me"));
  const AuditOutcome out = Audit(*set, objects, *Inventory::Build({}), 3);
  EXPECT_EQ(out.objects_audited, 5u);
  ASSERT_EQ(out.constraints.size(), 1u);
  const ConstraintAudit& a = out.constraints[0];
  EXPECT_EQ(a.total_violations, 5u);
  ASSERT_EQ(a.violations.size(), 3u);
  EXPECT_EQ(a.violations[0].name, "c");
  EXPECT_EQ(a.violations[1].name, "b");
  EXPECT_EQ(a.violations[2].name, "a");
  EXPECT_EQ(a.violations[0].enforcement_action, "warn");
  EXPECT_EQ(a.violations[0].version, "v1");
  EXPECT_EQ(a.violations[0].namespace_name, "ns");
  EXPECT_EQ(out.all.size(), 5u);
}

TEST(AuditTest, MessagesAreCutAt256Bytes) {
  EXPECT_EQ(TruncateAuditMessage(std::string(256, 'x')), std::string(256, 'x'));
  const std::string cut = TruncateAuditMessage(std::string(300, 'x'));
  EXPECT_EQ(cut.size(), 256u);
  EXPECT_EQ(cut.substr(253), "...");
}

}  // namespace
}  // namespace gatehouse::admission
