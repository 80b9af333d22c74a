// JSON answers of the HTTP services: a document with a status, and the short error body the
// review and admission routes answer bad input with ({"error": <wire code>, "message": ...}; it
// never echoes the request, which may hold a token). Pure; thread-safe.
#pragma once

#include "adapters/http/http_server.h"
#include "common/result.h"
#include "value/value.h"

namespace gatehouse::adapters {

ServerResponse JsonResponse(int status, const value::Value& body);

// {"error": error.code.wire(), "message": error.message} with `status` (400 unless given).
ServerResponse JsonErrorResponse(const Error& error, int status = 400);

}  // namespace gatehouse::adapters
