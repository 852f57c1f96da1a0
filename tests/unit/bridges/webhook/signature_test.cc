#include "bridges/webhook/signature.h"

#include <gtest/gtest.h>

namespace lwm2m::bridges::webhook {
namespace {

// Expected values from `printf '<timestamp>.<body>' | openssl dgst -sha256 -hmac <secret>`.
TEST(WebhookSignature, IsTheHmacSha256OfTimestampDotBody) {
  EXPECT_EQ(signatureHeader("s3cret", 1700000000, R"({"event":"registered"})"),
            "sha256=29b926274f9f9a358894e02a120df61abcb22bd91500404b008b90cf7b7c6373");
  EXPECT_EQ(signatureHeader("", 0, ""), "sha256=b849d5a581847b281957065739df36df2463d1977ea8d6e1e4e6cf33fadc68c3");
}

TEST(WebhookSignature, ChangesWithTheTimestampTheBodyAndTheSecret) {
  const std::string base = signatureHeader("s3cret", 1700000000, "{}");
  EXPECT_NE(signatureHeader("s3cret", 1700000001, "{}"), base);
  EXPECT_NE(signatureHeader("s3cret", 1700000000, "{ }"), base);
  EXPECT_NE(signatureHeader("s3cre7", 1700000000, "{}"), base);
  EXPECT_EQ(base.size(), 7u + 64u);
}

}  // namespace
}  // namespace lwm2m::bridges::webhook
