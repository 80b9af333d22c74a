// Fuzzes the GraphQL front end of the graphql.* builtins: the input, split at the first NUL
// byte, is a query and a schema. Both are parsed; parsed documents are encoded to rego values,
// decoded back (the AST-object input path) and re-encoded, which must give the same value; the
// schema is loaded and, when valid, the query validated against it. Any input must end in a
// result or an error, never a crash, hang, deep recursion or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "rego/builtins/graphql/ast.h"
#include "rego/builtins/graphql/parser.h"
#include "rego/builtins/graphql/schema.h"
#include "rego/builtins/graphql/validator.h"

namespace gql = gatehouse::rego::graphql;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find('\0');
  const std::string_view query_text = input.substr(0, split);
  const std::string_view schema_text =
      split == std::string_view::npos ? std::string_view() : input.substr(split + 1);

  auto query = gql::ParseQuery(query_text);
  if (query) {
    const gatehouse::rego::Value encoded = gql::ToValue(*query);
    auto decoded = gql::QueryDocumentFromValue(encoded);
    if (!decoded || !(gql::ToValue(*decoded) == encoded)) std::abort();
  }
  auto schema = gql::ParseSchema(schema_text);
  if (schema) {
    const gatehouse::rego::Value encoded = gql::ToValue(*schema);
    auto decoded = gql::SchemaDocumentFromValue(encoded);
    if (!decoded || !(gql::ToValue(*decoded) == encoded)) std::abort();
    auto loaded = gql::LoadSchema(std::move(*schema));
    if (loaded && query) (void)gql::ValidateQuery(**loaded, *query);
  }
  return 0;
}
