#include "adapters/http/json_response.h"

#include "value/json.h"

namespace gatehouse::adapters {

ServerResponse JsonResponse(int status, const value::Value& body) {
  ServerResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = value::ToJson(body);
  return response;
}

ServerResponse JsonErrorResponse(const Error& error, int status) {
  value::Value body = value::Value::MakeObject();
  body.Set("error", std::string(error.code.wire()));
  body.Set("message", error.message);
  return JsonResponse(status, body);
}

}  // namespace gatehouse::adapters
