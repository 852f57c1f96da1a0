#pragma once
// The object definitions over REST (api::ModelCatalog):
//
//   GET  /api/v1/models         200 {"files":["/etc/lwm2m-gateway/models"],"objects":[<summary>, ...]}
//   GET  /api/v1/models/{id}    200 <object> | 404 {"error":"no object 31024 in the object model"}
//                               (?version=1.1 for another version than the preferred one)
//   POST /api/v1/models/reload  200 {"files":[...],"objects":[...]} | 422 {"error":"file:line: reason"}
//                               (the definitions in force stay)
//
// <summary>: {"id":3303,"name":"Temperature","version":"1.1","versions":["1.0","1.1"],
//             "resources":8,"source":"built-in" | "/etc/lwm2m-gateway/models/3303.xml:2"}
// <object>:  the summary with "lwm2mVersion","urn","multipleInstances","mandatory",
//            "description" and "resources":[{"id":5700,"name":"Sensor Value","operations":"R",
//            "multiple":false,"mandatory":true,"type":"Float","units":"Cel"}, ...]
//
// Threading contract: the gateway's I/O thread, as ApiRouter.

#include <string_view>

#include "bridges/http/api_router.h"
#include "gateway/api/model_catalog.h"

namespace lwm2m::bridges::http {

// True for /api/v1/models and the paths below it.
bool isModelRoute(std::string_view path);

// Answers a request for one of the model routes (`path` without the query).
Response handleModelRoute(gateway::api::ModelCatalog& models, const Request& request, std::string_view path);

}  // namespace lwm2m::bridges::http
