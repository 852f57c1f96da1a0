#pragma once
// `lwm2m-gateway credentials add|list|remove`: manages the devices'
// credentials store while the gateway runs (or not). Keys go in, never out.

#include <iosfwd>

namespace lwm2m::gateway {

// argv[1] is "credentials". Returns the exit status: 0 done, 1 refused
// (bad key, conflict, store error), 2 malformed command line.
int runCredentialsCommand(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace lwm2m::gateway
