#pragma once
/// Registration routes for events that require approval: apply, see your own, list (managers), approve, reject.

#include "domain/identity/identity.hpp"
#include "domain/registrations/registrations.hpp"
#include "http/router.hpp"

namespace onton::http {

void AddRegistrationRoutes(Router& router,
                           registrations::RegistrationService& registrations,
                           identity::IdentityService& identity);

}  // namespace onton::http
