#pragma once
// Content-format numbers (CoAP Content-Format option) LwM2M uses, and the
// choice of a format for a client from its LwM2M version and advertised ct=.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace lwm2m::formats {

using ContentFormat = std::uint16_t;

inline constexpr ContentFormat kText = 0;
inline constexpr ContentFormat kLinkFormat = 40;
inline constexpr ContentFormat kOpaque = 42;
inline constexpr ContentFormat kSenmlJson = 110;
inline constexpr ContentFormat kSenmlCbor = 112;
inline constexpr ContentFormat kTlv = 11542;
inline constexpr ContentFormat kLwm2mJson = 11543;
inline constexpr ContentFormat kLwm2mCbor = 11544;
inline constexpr ContentFormat kLegacyTlv = 1542;   // pre-1.0 drafts
inline constexpr ContentFormat kLegacyJson = 1543;  // pre-1.0 drafts

// Maps the legacy numbers to their current ones; others pass unchanged.
ContentFormat normalizeContentFormat(ContentFormat format);
// "TLV", "SenML JSON", ... or "unknown".
std::string_view contentFormatName(ContentFormat format);

// The format to use for requests that carry or ask for several resources
// (Read on an object or instance, Write on an instance), given the client's
// LwM2M version ("1.0", "1.1", "1.2"; empty means 1.0) and the formats it
// advertised with ct= on the root link (empty when it advertised none).
// 1.0 clients get TLV (mandatory in 1.0); 1.1+ clients get the first
// advertised format that carries trees (LwM2M CBOR only from 1.2), else
// SenML CBOR, which 1.1 recommends (TLV is deprecated for 1.1 clients).
// Several ct attributes or a quoted list are both fine: pass them all.
ContentFormat preferredContentFormat(std::string_view lwm2mVersion,
                                     const std::vector<ContentFormat>& advertised);

// The format for bodies of objects the server has no definition of: one
// whose values carry their types, so nothing needs a model to read them. The
// first the client advertised among SenML CBOR, SenML JSON, LwM2M CBOR (from
// 1.2) and LwM2M JSON; else SenML CBOR for 1.1+ clients. A 1.0 client that
// advertised no such format gets TLV, the only format it must support.
ContentFormat typedContentFormat(std::string_view lwm2mVersion, const std::vector<ContentFormat>& advertised);

// The format for Read-Composite, Write-Composite and Observe-Composite:
// SenML CBOR or JSON as advertised (SenML CBOR by default); nullopt for a
// 1.0 client, which has no composite operations.
std::optional<ContentFormat> compositeContentFormat(std::string_view lwm2mVersion,
                                                    const std::vector<ContentFormat>& advertised);

// Parses a ct= attribute value: "110" or "\"110 112\"" (quotes already
// removed by the link parser). Unparseable numbers are skipped.
std::vector<ContentFormat> parseContentFormatList(std::string_view ct);

}  // namespace lwm2m::formats
