#include "lwm2m/server/object_links.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace lwm2m::server {
namespace {

std::vector<formats::Link> parsed(std::string_view payload) {
  auto links = formats::parseLinkFormat(payload);
  EXPECT_TRUE(links) << payload;
  return links ? *links : std::vector<formats::Link>{};
}

TEST(ObjectLinks, RegistrationsAnnouncingTheSameObjectsShareOneList) {
  const std::size_t before = ObjectLinks::distinctAlive();
  {
    const ObjectLinks a = parsed("</>;rt=\"oma.lwm2m\";ct=110,</1/0>,</3/0>,</5/0>");
    const ObjectLinks b = parsed("</>;rt=\"oma.lwm2m\";ct=110,</1/0>,</3/0>,</5/0>");
    EXPECT_EQ(&a.list(), &b.list()) << "one copy for both";
    EXPECT_EQ(a, b);
    EXPECT_EQ(ObjectLinks::distinctAlive(), before + 1);
    ASSERT_EQ(a.size(), 4u);
    EXPECT_EQ(a[1].target, "/1/0");
    EXPECT_EQ(a[0].find("rt")->value, "oma.lwm2m");
  }
  EXPECT_EQ(ObjectLinks::distinctAlive(), before) << "gone with its last registration";
}

TEST(ObjectLinks, AnyDifferenceKeepsListsApart) {
  const ObjectLinks base = parsed("</1/0>,</3/0>;ver=1.1");
  for (const char* other : {"</1/0>,</3/0>;ver=1.2", "</1/0>,</3/0>;ver", "</1/0>,</3/0>", "</3/0>;ver=1.1,</1/0>",
                            "</1/0>,</3/0>;ver=1.1,</5/0>"}) {
    const ObjectLinks links = parsed(other);
    EXPECT_NE(&links.list(), &base.list()) << other;
    EXPECT_FALSE(links == base) << other;
  }
  const ObjectLinks none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none, ObjectLinks(std::vector<formats::Link>{}));
}

TEST(ObjectLinks, ListsMadeOnSeveralThreadsAreSharedAlike) {
  const std::size_t before = ObjectLinks::distinctAlive();
  constexpr int kThreads = 4;
  constexpr int kEach = 500;
  std::vector<std::vector<ObjectLinks>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kEach; ++i) {
        // Ten distinct lists, made over and over on every thread.
        made[t].push_back(parsed("</1/0>,</3/0>,</3303/" + std::to_string(i % 10) + ">"));
        if (i % 3 == 0) made[t].pop_back();  // some dropped at once
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ObjectLinks::distinctAlive(), before + 10);
  // Every list equal to a probe is the probe's own copy, whichever thread made it.
  const ObjectLinks probe = parsed("</1/0>,</3/0>,</3303/7>");
  std::size_t equal = 0;
  for (const auto& lists : made) {
    for (const ObjectLinks& links : lists) {
      ASSERT_EQ(links.size(), 3u);
      if (links.list() == probe.list()) {
        ++equal;
        EXPECT_EQ(&links.list(), &probe.list());
      }
    }
  }
  EXPECT_GT(equal, 0u);
}

}  // namespace
}  // namespace lwm2m::server
