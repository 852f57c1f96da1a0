#include "lwm2m/model/path.h"

#include <gtest/gtest.h>

namespace lwm2m::model {
namespace {

TEST(Path, ParsesEveryLevel) {
  EXPECT_TRUE(Path::parse("/")->isRoot());
  EXPECT_EQ(*Path::parse("/3"), Path(3));
  EXPECT_EQ(*Path::parse("/3/0"), Path(3, 0));
  EXPECT_EQ(*Path::parse("/3/0/1"), Path(3, 0, 1));
  auto ri = Path::parse("/3/0/7/1");
  ASSERT_TRUE(ri.ok());
  EXPECT_TRUE(ri->isResourceInstance());
  EXPECT_EQ(ri->objectId(), 3);
  EXPECT_EQ(ri->instanceId(), 0);
  EXPECT_EQ(ri->resourceId(), 7);
  EXPECT_EQ(ri->resourceInstanceId(), 1);
  EXPECT_EQ(Path::parse("/65534/65534/65534/65534")->toString(), "/65534/65534/65534/65534");
}

TEST(Path, RejectsBadInputWithReason) {
  for (const char* bad : {"", "3/0", "/3/", "//3", "/3//1", "/a", "/-1", "/65535", "/3/65535",
                          "/3/0/65535", "/3/0/1/65535", "/99999", "/123456", "/1/2/3/4/5", "/3/0 "}) {
    auto path = Path::parse(bad);
    EXPECT_FALSE(path.ok()) << bad;
    if (!path.ok()) {
      EXPECT_NE(path.error().message.find("invalid path"), std::string::npos);
    }
  }
}

TEST(Path, ParentChildAndCovers) {
  Path r(3303, 0, 5700);
  EXPECT_EQ(r.parent(), Path(3303, 0));
  EXPECT_EQ(Path().parent(), Path());
  EXPECT_EQ(r.child(2), Path(3303, 0, 5700, 2));
  EXPECT_TRUE(Path(3303).covers(r));
  EXPECT_TRUE(Path().covers(r));
  EXPECT_TRUE(r.covers(r));
  EXPECT_FALSE(r.covers(Path(3303, 0)));
  EXPECT_FALSE(Path(3303, 1).covers(r));
  EXPECT_EQ(r.prefix(1), Path(3303));
}

TEST(Path, OrdersParentsBeforeChildren) {
  EXPECT_LT(Path(3), Path(3, 0));
  EXPECT_LT(Path(3, 0, 1), Path(3, 0, 2));
  EXPECT_LT(Path(3, 9), Path(4));
  EXPECT_LT(Path(), Path(0));
  EXPECT_EQ(Path(3, 0).toString(), "/3/0");
}

}  // namespace
}  // namespace lwm2m::model
