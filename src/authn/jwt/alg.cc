#include "authn/jwt/alg.h"

#include <array>
#include <utility>

namespace gatehouse::authn::jwt {
namespace {

constexpr std::array<std::pair<JwsAlg, std::string_view>, 10> kNames = {{
    {JwsAlg::kRS256, "RS256"},
    {JwsAlg::kRS384, "RS384"},
    {JwsAlg::kRS512, "RS512"},
    {JwsAlg::kPS256, "PS256"},
    {JwsAlg::kPS384, "PS384"},
    {JwsAlg::kPS512, "PS512"},
    {JwsAlg::kES256, "ES256"},
    {JwsAlg::kES384, "ES384"},
    {JwsAlg::kES512, "ES512"},
    {JwsAlg::kEdDSA, "EdDSA"},
}};

}  // namespace

std::string_view JwsAlgName(JwsAlg alg) {
  for (const auto& [candidate, name] : kNames) {
    if (candidate == alg) return name;
  }
  return "";
}

std::optional<JwsAlg> FindJwsAlg(std::string_view name) {
  for (const auto& [alg, candidate] : kNames) {
    if (candidate == name) return alg;
  }
  return std::nullopt;
}

KeyType KeyTypeFor(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kES256:
    case JwsAlg::kES384:
    case JwsAlg::kES512:
      return KeyType::kEc;
    case JwsAlg::kEdDSA:
      return KeyType::kOkp;
    default:
      return KeyType::kRsa;
  }
}

Curve CurveFor(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kES256:
      return Curve::kP256;
    case JwsAlg::kES384:
      return Curve::kP384;
    case JwsAlg::kES512:
      return Curve::kP521;
    case JwsAlg::kEdDSA:
      return Curve::kEd25519;
    default:
      return Curve::kNone;
  }
}

std::size_t EcCoordinateBytes(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kES256:
      return 32;
    case JwsAlg::kES384:
      return 48;
    case JwsAlg::kES512:
      return 66;
    default:
      return 0;
  }
}

}  // namespace gatehouse::authn::jwt
