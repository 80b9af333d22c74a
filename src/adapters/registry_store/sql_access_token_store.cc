// The access tokens of the SQL RegistryStore (sql_registry_store.h): registry::AccessTokenStore
// over the shared context (sql_store_support.h), one transaction per method.
#include <string>
#include <vector>

#include "adapters/registry_store/sql_resource_stores.h"
#include "adapters/registry_store/sql_store_support.h"
#include "common/common_errors.h"

namespace gatehouse::adapters::sql_store {
namespace {

class SqlAccessTokenStore final : public registry::AccessTokenStore, private SqlResourceStore {
 public:
  explicit SqlAccessTokenStore(SqlStoreContext& context) : SqlResourceStore(context) {}

  Result<PersonalAccessToken> CreateAccessToken(std::string_view actor,
                                                const NewAccessToken& token) override {
    if (auto ok = CheckName("token name", token.name); !ok) return ok.error();
    if (auto ok = CheckText("token secret hash", token.secret_hash, false); !ok) {
      return ok.error();
    }
    if (token.groups.size() > kMaxListedNames) {
      return MakeError(CommonError::kInvalidArgument, "too many groups");
    }
    PersonalAccessToken created;
    Status status = Write([&](SqlSession& s) -> Status {
      auto user = UserById(s, token.user_id);
      if (!user) return user.error();
      auto rows = s.Query(
          Sql({"INSERT INTO access_token (user_id, name, secret_hash, groups_json, expires_at, "
               "creation_time, last_used) VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING ",
               kTokenColumns}),
          Params{token.user_id, token.name, token.secret_hash, ToJsonList(token.groups),
                 token.expires_at, Now()});
      if (!rows) {
        return Translate(rows.error(), "user " + Quoted(user->username) +
                                           " already has an access token named " +
                                           Quoted(token.name));
      }
      created = TokenFromRow(rows->at(0));
      return Audit(s, actor, "token.create", "user/" + user->username,
                   "token " + created.name + "; expires_at " + std::to_string(created.expires_at));
    });
    if (!status) return status.error();
    return created;
  }

  Result<PersonalAccessToken> LoadAccessTokenById(std::int64_t id) override {
    return ReadToken(Sql({"SELECT ", kTokenColumns, " FROM access_token WHERE id = ?"}),
                     Params{id});
  }

  Result<PersonalAccessToken> LoadAccessToken(std::int64_t user_id,
                                              std::string_view name) override {
    return ReadToken(
        Sql({"SELECT ", kTokenColumns, " FROM access_token WHERE user_id = ? AND name = ?"}),
        Params{user_id, std::string(name)});
  }

  Result<std::vector<PersonalAccessToken>> ListAccessTokens(std::int64_t user_id) override {
    std::vector<PersonalAccessToken> tokens;
    Status status = Read([&](SqlSession& s) -> Status {
      if (auto user = UserById(s, user_id); !user) return user.error();
      auto rows = s.Query(
          Sql({"SELECT ", kTokenColumns, " FROM access_token WHERE user_id = ? ORDER BY name"}),
          Params{user_id});
      if (!rows) return rows.error();
      for (const SqlRow& row : *rows) tokens.push_back(TokenFromRow(row));
      return Ok();
    });
    if (!status) return status.error();
    return tokens;
  }

  Status RecordAccessTokenUse(std::int64_t id, std::int64_t when,
                              const std::optional<std::vector<std::string>>& groups) override {
    if (groups && groups->size() > kMaxListedNames) {
      return MakeError(CommonError::kInvalidArgument, "too many groups");
    }
    return Write([&](SqlSession& s) -> Status {
      auto changed =
          groups ? s.Exec("UPDATE access_token SET last_used = ?, groups_json = ? WHERE id = ?",
                          Params{when, ToJsonList(*groups), id})
                 : s.Exec("UPDATE access_token SET last_used = ? WHERE id = ?", Params{when, id});
      if (!changed) return changed.error();
      if (*changed == 0) return NotFound("access token " + std::to_string(id));
      return Ok();
    });
  }

  Status RevokeAccessToken(std::string_view actor, std::int64_t id) override {
    return Write([&](SqlSession& s) -> Status {
      auto rows = s.Query(
          "SELECT t.name, u.username FROM access_token t JOIN app_user u ON u.id = t.user_id "
          "WHERE t.id = ?",
          Params{id});
      if (!rows) return rows.error();
      if (rows->empty()) return NotFound("access token " + std::to_string(id));
      auto deleted = s.Exec("DELETE FROM access_token WHERE id = ?", Params{id});
      if (!deleted) return deleted.error();
      return Audit(s, actor, "token.revoke", "user/" + SqlText(rows->at(0)[1]),
                   "token " + SqlText(rows->at(0)[0]));
    });
  }

 private:
  Result<PersonalAccessToken> ReadToken(const std::string& sql, const Params& params) {
    PersonalAccessToken token;
    Status status = Read([&](SqlSession& s) -> Status {
      auto rows = s.Query(sql, params);
      if (!rows) return rows.error();
      if (rows->empty()) return NotFound("access token");
      token = TokenFromRow(rows->at(0));
      return Ok();
    });
    if (!status) return status.error();
    return token;
  }
};

}  // namespace

std::unique_ptr<registry::AccessTokenStore> MakeSqlAccessTokenStore(SqlStoreContext& context) {
  return std::make_unique<SqlAccessTokenStore>(context);
}

}  // namespace gatehouse::adapters::sql_store
