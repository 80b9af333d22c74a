// The users of the SQL RegistryStore (sql_registry_store.h): registry::UserStore over the
// shared context (sql_store_support.h), one transaction per method.
#include <string>
#include <utility>

#include "adapters/registry_store/sql_resource_stores.h"
#include "adapters/registry_store/sql_store_support.h"
#include "common/common_errors.h"

namespace gatehouse::adapters::sql_store {
namespace {

class SqlUserStore final : public registry::UserStore, private SqlResourceStore {
 public:
  explicit SqlUserStore(SqlStoreContext& context) : SqlResourceStore(context) {}

  Result<User> UpsertUserAtLogin(const UserLogin& login) override {
    if (auto ok = CheckText("issuer", login.issuer, false); !ok) return ok.error();
    if (auto ok = CheckText("subject", login.subject, false); !ok) return ok.error();
    if (auto ok = CheckName("username", login.username); !ok) return ok.error();
    if (auto ok = CheckText("email", login.email, true); !ok) return ok.error();
    // Two replicas may see the same first login at once: the loser's insert is a unique
    // violation on issuer+subject, and a second attempt finds the winner's row.
    Status status = Ok();
    for (int attempt = 0; attempt < 2; ++attempt) {
      User user;
      status = Write([&](SqlSession& s) -> Status {
        auto existing = UserBySubject(s, login.issuer, login.subject);
        if (!existing && existing.error().code != CommonError::kNotFound) return existing.error();
        const std::int64_t now = Now();
        const std::string username_taken = "username " + Quoted(login.username) +
                                           " belongs to another identity; an administrator "
                                           "can re-link it (gatehouse registry user relink)";
        if (!existing) {
          auto rows =
              s.Query(Sql({"INSERT INTO app_user (issuer, subject, username, email, sysadmin, "
                           "creation_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ",
                           kUserColumns}),
                      Params{login.issuer, login.subject, login.username, login.email,
                             Bool(login.sysadmin), now, now});
          if (!rows) return Translate(rows.error(), username_taken);
          user = UserFromRow(rows->at(0));
          return Audit(s, login.username, "user.create", "user/" + user.username,
                       "issuer " + user.issuer + " subject " + user.subject +
                           (user.sysadmin ? "; sysadmin" : ""));
        }
        user = std::move(*existing);
        if (user.username == login.username && user.email == login.email &&
            user.sysadmin == login.sysadmin) {
          return Ok();
        }
        std::string detail;
        if (user.username != login.username) detail += "username was " + user.username + "; ";
        if (user.email != login.email) detail += "email changed; ";
        if (user.sysadmin != login.sysadmin) {
          detail += login.sysadmin ? "sysadmin granted" : "sysadmin revoked";
        }
        auto rows =
            s.Query(Sql({"UPDATE app_user SET username = ?, email = ?, sysadmin = ?, "
                         "update_time = ? WHERE id = ? RETURNING ",
                         kUserColumns}),
                    Params{login.username, login.email, Bool(login.sysadmin), now, user.id});
        if (!rows) return Translate(rows.error(), username_taken);
        if (rows->empty()) return NotFound("user " + Quoted(login.username));
        const std::string old_username = user.username;
        user = UserFromRow(rows->at(0));
        if (old_username != user.username) {
          // Memberships follow the person, so whoever takes the old name later inherits
          // nothing. A membership already given to the new name in the same project wins.
          if (Status moved = MoveUserMemberships(s, old_username, user.username, now); !moved) {
            return moved;
          }
          detail += "memberships moved; ";
        }
        return Audit(s, login.username, "user.update", "user/" + user.username, detail);
      });
      if (status) return user;
      if (status.error().code != CommonError::kConflict) break;
      // Retry only if the conflict was the concurrent first login (issuer+subject now taken).
      auto winner = LoadUserBySubject(login.issuer, login.subject);
      if (!winner || attempt == 1) break;
    }
    return status.error();
  }

  Result<User> LoadUser(std::string_view username) override {
    return ReadUser("SELECT %s FROM app_user WHERE username = ?", Params{std::string(username)},
                    "user " + Quoted(username));
  }

  Result<User> LoadUserById(std::int64_t id) override {
    return ReadUser("SELECT %s FROM app_user WHERE id = ?", Params{id},
                    "user " + std::to_string(id));
  }

  Result<User> LoadUserBySubject(std::string_view issuer, std::string_view subject) override {
    return ReadUser("SELECT %s FROM app_user WHERE issuer = ? AND subject = ?",
                    Params{std::string(issuer), std::string(subject)}, "user");
  }

  Result<Listing<User>> ListUsers(const PageRequest& page) override {
    auto limits = LimitOffset(page);
    if (!limits) return limits.error();
    Listing<User> listing;
    Status status = Read([&](SqlSession& s) -> Status {
      auto total = Count(s, "SELECT COUNT(*) FROM app_user", {});
      if (!total) return total.error();
      listing.total = *total;
      auto rows = s.Query(
          Sql({"SELECT ", kUserColumns, " FROM app_user ORDER BY username LIMIT ? OFFSET ?"}),
          Params{limits->first, limits->second});
      if (!rows) return rows.error();
      for (const SqlRow& row : *rows) listing.items.push_back(UserFromRow(row));
      return Ok();
    });
    if (!status) return status.error();
    return listing;
  }

  Result<User> RelinkUser(std::string_view actor, std::string_view username,
                          std::string_view issuer, std::string_view subject) override {
    if (auto ok = CheckText("issuer", issuer, false); !ok) return ok.error();
    if (auto ok = CheckText("subject", subject, false); !ok) return ok.error();
    User user;
    Status status = Write([&](SqlSession& s) -> Status {
      auto current = UserByName(s, username);
      if (!current) return current.error();
      auto rows = s.Query(Sql({"UPDATE app_user SET issuer = ?, subject = ?, update_time = ? "
                               "WHERE id = ? RETURNING ",
                               kUserColumns}),
                          Params{std::string(issuer), std::string(subject), Now(), current->id});
      if (!rows) {
        return Translate(rows.error(), "that issuer and subject already belong to another user");
      }
      user = UserFromRow(rows->at(0));
      return Audit(s, actor, "user.relink", "user/" + user.username,
                   "from issuer " + current->issuer + " subject " + current->subject +
                       " to issuer " + user.issuer + " subject " + user.subject);
    });
    if (!status) return status.error();
    return user;
  }

  Status DeleteUser(std::string_view actor, std::int64_t id) override {
    return Write([&](SqlSession& s) -> Status {
      auto user = UserById(s, id);
      if (!user) return user.error();
      auto deleted = s.Exec("DELETE FROM app_user WHERE id = ?", Params{id});
      if (!deleted) return deleted.error();
      // The person's memberships go too: a later account with the same username must not
      // inherit them.
      auto memberships =
          s.Exec("DELETE FROM member WHERE kind = 'u' AND entity_name = ?", Params{user->username});
      if (!memberships) return memberships.error();
      return Audit(s, actor, "user.delete", "user/" + user->username,
                   "issuer " + user->issuer + " subject " + user->subject);
    });
  }

 private:
  Result<User> ReadUser(std::string_view sql, const Params& params, const std::string& what) {
    User user;
    Status status = Read([&](SqlSession& s) -> Status {
      auto found = UserByQuery(s, sql, params, what);
      if (!found) return found.error();
      user = std::move(*found);
      return Ok();
    });
    if (!status) return status.error();
    return user;
  }
};

}  // namespace

std::unique_ptr<registry::UserStore> MakeSqlUserStore(SqlStoreContext& context) {
  return std::make_unique<SqlUserStore>(context);
}

}  // namespace gatehouse::adapters::sql_store
