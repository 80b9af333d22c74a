#include "common/error_code.h"

#include <ostream>

namespace gatehouse {

std::ostream& operator<<(std::ostream& out, const ErrorCode& code) { return out << code.wire(); }

}  // namespace gatehouse
