// libpq's client API. Its functions are not variadic, so Swift calls them directly; this header
// only fixes where they come from (Debian's libpq-dev puts libpq-fe.h under postgresql/).
#ifndef LOGZIO_RESOLVER_CLIBPQ_SHIM_H
#define LOGZIO_RESOLVER_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
