// Block-wise transfers (RFC 7959) through the Endpoint, with a scripted peer.
#include <gtest/gtest.h>

#include "lwm2m/coap/block.h"
#include "lwm2m/coap/endpoint.h"
#include "tests/unit/lwm2m/coap/fake_transport.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::FakeTransport;
using testing::peerAt;

std::string text(std::size_t size, char first) {
  std::string s;
  for (std::size_t i = 0; i < size; ++i) s += static_cast<char>(first + i % 26);
  return s;
}

class BlockwiseTest : public ::testing::Test {
 protected:
  BlockwiseTest() {
    endpoint.start();
    endpoint.setRequestHandler([this](const Peer&, const Message& request,
                                      Endpoint::Responder respond) {
      requests.push_back(request);
      respond(Message::response(request, codes::Created));
    });
  }

  // One block of a Register POST /rd?ep=big.
  Message registerBlock(std::uint16_t messageId, BlockOption block, std::string_view payload) {
    Message m;
    m.code = codes::Post;
    m.messageId = messageId;
    m.token = {0x0b, static_cast<std::uint8_t>(messageId)};
    m.setUriPath("rd");
    m.addUriQuery("ep=big");
    setBlock(m, option::Block1, block);
    m.setPayload(payload);
    return m;
  }
  Message lastSent() const { return transport.sent.back().message(); }
  Message sentAt(std::size_t i) const { return transport.sent.at(i).message(); }

  ManualScheduler scheduler;
  Peer device = peerAt("10.0.0.2", 40000);
  FakeTransport transport{scheduler, peerAt("10.0.0.1", 5683)};
  Endpoint endpoint{transport, scheduler, {}, [] { return 0x100u; }};
  std::vector<Message> requests;
};

TEST_F(BlockwiseTest, Block1RequestReachesHandlerOnceWhole) {
  const std::string body = text(16, 'a') + text(16, 'A') + "</3>";
  transport.inject(device, registerBlock(1, {0, true, 16}, body.substr(0, 16)));
  Message first = lastSent();
  EXPECT_EQ(first.code, codes::Continue);
  EXPECT_EQ(first.type, MessageType::Acknowledgement);
  EXPECT_EQ(parseBlock(first, option::Block1), (BlockOption{0, true, 16}));
  transport.inject(device, registerBlock(2, {1, true, 16}, body.substr(16, 16)));
  EXPECT_EQ(lastSent().code, codes::Continue);
  EXPECT_TRUE(requests.empty());

  transport.inject(device, registerBlock(3, {2, false, 16}, body.substr(32)));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].payloadString(), body);
  EXPECT_EQ(requests[0].findOption(option::Block1), nullptr);
  EXPECT_EQ(requests[0].uriQuery(), (std::vector<std::string>{"ep=big"}));
  Message created = lastSent();
  EXPECT_EQ(created.code, codes::Created);
  EXPECT_EQ(created.messageId, 3);
  EXPECT_EQ(parseBlock(created, option::Block1), (BlockOption{2, false, 16}));
}

TEST_F(BlockwiseTest, RetransmittedBlockIsNotAppendedTwice) {
  auto block0 = registerBlock(1, {0, true, 16}, text(16, 'a'));
  transport.inject(device, block0);
  transport.inject(device, block0);  // our 2.31 was lost
  EXPECT_EQ(transport.sent[1].bytes, transport.sent[0].bytes);
  transport.inject(device, registerBlock(2, {1, false, 16}, "end"));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].payload.size(), 19u);
}

TEST_F(BlockwiseTest, BlockOutOfSequenceIsIncomplete) {
  transport.inject(device, registerBlock(1, {2, true, 16}, text(16, 'a')));
  EXPECT_EQ(lastSent().code, codes::RequestEntityIncomplete);
  EXPECT_EQ(lastSent().payloadString(), "block 2 starts at byte 32, 0 received");
  transport.inject(device, registerBlock(2, {0, true, 16}, text(16, 'a')));
  transport.inject(device, registerBlock(3, {2, false, 16}, "x"));
  EXPECT_EQ(lastSent().code, codes::RequestEntityIncomplete);
  EXPECT_TRUE(requests.empty());
}

TEST_F(BlockwiseTest, ShortNonFinalBlockIsBadRequest) {
  transport.inject(device, registerBlock(1, {0, true, 32}, "short"));
  EXPECT_EQ(lastSent().code, codes::BadRequest);
  EXPECT_EQ(lastSent().payloadString(), "block 0 of size 32 carries 5 bytes");
}

TEST_F(BlockwiseTest, BodyOverLimitIsTooLargeWithSize1) {
  endpoint.setMaxBodySize(20);
  transport.inject(device, registerBlock(1, {0, true, 16}, text(16, 'a')));
  EXPECT_EQ(lastSent().code, codes::Continue);
  transport.inject(device, registerBlock(2, {1, false, 16}, text(16, 'a')));
  EXPECT_EQ(lastSent().code, codes::RequestEntityTooLarge);
  EXPECT_EQ(lastSent().uintOption(option::Size1), 20u);
  auto announced = registerBlock(3, {0, true, 16}, text(16, 'a'));
  announced.addUintOption(option::Size1, 5000);
  transport.inject(device, announced);
  EXPECT_EQ(lastSent().code, codes::RequestEntityTooLarge);
  EXPECT_TRUE(requests.empty());
}

TEST_F(BlockwiseTest, ContinueAsksForOurSmallerBlockSize) {
  endpoint.setBlockSize(16);
  const std::string body = text(32, 'a') + "tail";
  transport.inject(device, registerBlock(1, {0, true, 32}, body.substr(0, 32)));
  EXPECT_EQ(lastSent().code, codes::Continue);
  EXPECT_EQ(parseBlock(lastSent(), option::Block1), (BlockOption{0, true, 16}));
  // The peer goes on with 16-byte blocks: block 2 starts at byte 32.
  transport.inject(device, registerBlock(2, {2, false, 16}, body.substr(32)));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].payloadString(), body);
}

TEST_F(BlockwiseTest, AbandonedBodiesAreForgotten) {
  transport.inject(device, registerBlock(1, {0, true, 16}, text(16, 'a')));
  EXPECT_EQ(endpoint.load().rememberedMessages, 2u);  // the message and the partial body
  scheduler.advance(endpoint.parameters().exchangeLifetime() + 10s);
  EXPECT_EQ(endpoint.load().rememberedMessages, 0u);
}

TEST_F(BlockwiseTest, InvalidBlock1OptionIsBadRequest) {
  auto request = registerBlock(1, {0, true, 16}, text(16, 'a'));
  request.removeOptions(option::Block1);
  request.addOption(option::Block1, OptionValue{0x0f});  // SZX 7 is reserved
  transport.inject(device, request);
  EXPECT_EQ(lastSent().code, codes::BadRequest);
  EXPECT_TRUE(requests.empty());
}

class Block2Test : public BlockwiseTest {
 protected:
  Endpoint::RequestId read() {
    Message get;
    get.code = codes::Get;
    get.setUriPath("3/0");
    get.setAccept(110);
    return endpoint.sendRequest(device, get, [this](const ResponseResult& r) { results.push_back(r); });
  }
  void answerBlock(const Message& request, BlockOption block, std::string_view payload,
                   OptionValue etag = {1}) {
    Message ack = Message::response(request, codes::Content);
    ack.type = MessageType::Acknowledgement;
    ack.messageId = request.messageId;
    ack.addOption(option::ETag, std::move(etag));
    setBlock(ack, option::Block2, block);
    ack.setPayload(payload);
    transport.inject(device, ack);
  }
  std::vector<ResponseResult> results;
};

TEST_F(Block2Test, BlocksAreFetchedAndDeliveredOnceWhole) {
  read();
  Message first = sentAt(0);
  answerBlock(first, {0, true, 16}, text(16, 'a'));
  ASSERT_EQ(transport.sent.size(), 2u);
  Message second = sentAt(1);
  EXPECT_EQ(second.token, first.token);
  EXPECT_NE(second.messageId, first.messageId);
  EXPECT_EQ(second.uriPath(), first.uriPath());
  EXPECT_EQ(second.accept(), 110);
  EXPECT_EQ(parseBlock(second, option::Block2), (BlockOption{1, false, 16}));
  answerBlock(second, {1, true, 16}, text(16, 'q'));
  Message third = sentAt(2);
  EXPECT_EQ(parseBlock(third, option::Block2), (BlockOption{2, false, 16}));
  EXPECT_TRUE(results.empty());
  answerBlock(third, {2, false, 16}, "end");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::Ok);
  EXPECT_EQ(results[0].response.payloadString(), text(16, 'a') + text(16, 'q') + "end");
  EXPECT_EQ(results[0].response.findOption(option::Block2), nullptr);
  EXPECT_EQ(endpoint.load().pendingRequests, 0u);
}

TEST_F(Block2Test, LostBlockRequestIsRetransmitted) {
  read();
  answerBlock(sentAt(0), {0, true, 16}, text(16, 'a'));
  scheduler.advance(3500ms);
  ASSERT_EQ(transport.sent.size(), 3u);
  EXPECT_EQ(transport.sent[2].bytes, transport.sent[1].bytes);
  answerBlock(sentAt(2), {1, false, 16}, "z");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].response.payload.size(), 17u);
}

TEST_F(Block2Test, ChangedETagRestartsFromFirstBlock) {
  read();
  answerBlock(sentAt(0), {0, true, 16}, text(16, 'a'), {1});
  answerBlock(sentAt(1), {1, true, 16}, text(16, 'b'), {2});
  EXPECT_EQ(parseBlock(sentAt(2), option::Block2), (BlockOption{0, false, 16}));
  answerBlock(sentAt(2), {0, true, 16}, text(16, 'c'), {2});
  answerBlock(sentAt(3), {1, false, 16}, "d", {2});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].response.payloadString(), text(16, 'c') + "d");
}

TEST_F(Block2Test, SmallBlockSizeIsAskedForInTheFirstRequest) {
  endpoint.setBlockSize(16);
  read();
  Message first = sentAt(0);
  EXPECT_EQ(parseBlock(first, option::Block2), (BlockOption{0, false, 16}));
  answerBlock(first, {0, true, 16}, text(16, 'a'));
  EXPECT_EQ(parseBlock(sentAt(1), option::Block2), (BlockOption{1, false, 16}));
  answerBlock(sentAt(1), {1, false, 16}, "end");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].response.payloadString(), text(16, 'a') + "end");
}

TEST_F(Block2Test, DefaultBlockSizeAddsNoBlockOptionAndPostsNeverAsk) {
  read();
  EXPECT_EQ(sentAt(0).findOption(option::Block2), nullptr);
  endpoint.setBlockSize(64);
  Message post;
  post.code = codes::Post;
  post.setUriPath("3/0/4");
  endpoint.sendRequest(device, post, [](const ResponseResult&) {});
  EXPECT_EQ(sentAt(1).findOption(option::Block2), nullptr);
}

TEST_F(Block2Test, ExplicitlyRequestedBlockIsDeliveredAsIs) {
  Message get;
  get.code = codes::Get;
  get.setUriPath("5/0/0");
  setBlock(get, option::Block2, {3, false, 64});
  endpoint.sendRequest(device, get, [this](const ResponseResult& r) { results.push_back(r); });
  answerBlock(sentAt(0), {3, true, 64}, text(64, 'a'));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(parseBlock(results[0].response, option::Block2), (BlockOption{3, true, 64}));
  EXPECT_EQ(transport.sent.size(), 1u);
}

TEST_F(Block2Test, BodyOverLimitIsDeliveredAsLastBlock) {
  endpoint.setMaxBodySize(20);
  read();
  answerBlock(sentAt(0), {0, true, 16}, text(16, 'a'));
  answerBlock(sentAt(1), {1, true, 16}, text(16, 'b'));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(parseBlock(results[0].response, option::Block2), (BlockOption{1, true, 16}));
  EXPECT_EQ(results[0].response.payloadString(), text(16, 'b'));
}

TEST_F(Block2Test, LargeNotificationIsCompletedBeforeDelivery) {
  Message observe;
  observe.code = codes::Get;
  observe.setUriPath("3303/0");
  observe.setObserve(0);
  endpoint.sendRequest(device, observe, [this](const ResponseResult& r) { results.push_back(r); },
                       true);
  Message request = sentAt(0);
  Message first = Message::response(request, codes::Content);
  first.type = MessageType::Acknowledgement;
  first.messageId = request.messageId;
  first.setObserve(7);
  first.addOption(option::ETag, OptionValue{9});
  setBlock(first, option::Block2, {0, true, 16});
  first.setPayload(text(16, 'a'));
  transport.inject(device, first);
  EXPECT_TRUE(results.empty());

  Message fetch = sentAt(1);
  EXPECT_EQ(fetch.code, codes::Get);
  EXPECT_EQ(fetch.observe(), std::nullopt);
  EXPECT_NE(fetch.token, request.token);
  EXPECT_EQ(fetch.uriPath(), request.uriPath());
  EXPECT_EQ(parseBlock(fetch, option::Block2), (BlockOption{1, false, 16}));
  answerBlock(fetch, {1, false, 16}, "tail", {9});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].response.payloadString(), text(16, 'a') + "tail");
  EXPECT_EQ(results[0].response.observe(), 7u);
  EXPECT_EQ(results[0].response.findOption(option::Block2), nullptr);
  EXPECT_EQ(endpoint.load().pendingRequests, 1u) << "the observation goes on";

  Message next = Message::response(request, codes::Content);
  next.type = MessageType::NonConfirmable;
  next.messageId = 0x7000;
  next.setObserve(8);
  setBlock(next, option::Block2, {0, true, 16});
  next.setPayload(text(16, 'b'));
  transport.inject(device, next);
  answerBlock(sentAt(2), {1, false, 16}, "!", {});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].response.payloadString(), text(16, 'b') + "!");
}

class Block1SendTest : public Block2Test {
 protected:
  void post(std::size_t size, std::uint16_t blockSize = 16) {
    endpoint.setBlockSize(blockSize);
    Message m;
    m.code = codes::Post;
    m.setUriPath("5/0/0");
    m.setPayload(text(size, 'a'));
    endpoint.sendRequest(device, m, [this](const ResponseResult& r) { results.push_back(r); });
  }
  void reply(const Message& request, Code code, std::optional<BlockOption> block1) {
    Message ack = Message::response(request, code);
    ack.type = MessageType::Acknowledgement;
    ack.messageId = request.messageId;
    if (block1) setBlock(ack, option::Block1, *block1);
    transport.inject(device, ack);
  }
};

TEST_F(Block1SendTest, LargeRequestBodyIsSentInBlocks) {
  post(40);
  Message first = sentAt(0);
  EXPECT_EQ(parseBlock(first, option::Block1), (BlockOption{0, true, 16}));
  EXPECT_EQ(first.uintOption(option::Size1), 40u);
  EXPECT_EQ(first.payloadString(), text(40, 'a').substr(0, 16));
  reply(first, codes::Continue, BlockOption{0, true, 16});
  Message second = sentAt(1);
  EXPECT_EQ(parseBlock(second, option::Block1), (BlockOption{1, true, 16}));
  EXPECT_EQ(second.findOption(option::Size1), nullptr);
  EXPECT_EQ(second.token, first.token);
  EXPECT_EQ(second.uriPath(), first.uriPath());
  EXPECT_EQ(second.payloadString(), text(40, 'a').substr(16, 16));
  reply(second, codes::Continue, BlockOption{1, true, 16});
  Message third = sentAt(2);
  EXPECT_EQ(parseBlock(third, option::Block1), (BlockOption{2, false, 16}));
  EXPECT_EQ(third.payloadString(), text(40, 'a').substr(32));
  EXPECT_TRUE(results.empty());
  reply(third, codes::Changed, BlockOption{2, false, 16});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].response.code, codes::Changed);
}

TEST_F(Block1SendTest, ServerMayAskForSmallerBlocks) {
  post(80, 32);
  EXPECT_EQ(parseBlock(sentAt(0), option::Block1), (BlockOption{0, true, 32}));
  reply(sentAt(0), codes::Continue, BlockOption{0, true, 16});
  Message second = sentAt(1);
  EXPECT_EQ(parseBlock(second, option::Block1), (BlockOption{2, true, 16}));
  EXPECT_EQ(second.payloadString(), text(80, 'a').substr(32, 16));
}

TEST_F(Block1SendTest, ErrorMidTransferIsDelivered) {
  post(40);
  reply(sentAt(0), codes::RequestEntityTooLarge, std::nullopt);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].response.code, codes::RequestEntityTooLarge);
  EXPECT_EQ(transport.sent.size(), 1u);
}

// A RequestBody is read block by block as the peer acknowledges: the
// endpoint never asks for more than the block in flight.
class BodySendTest : public Block1SendTest {
 protected:
  void put(std::size_t size, bool readable = true) {
    endpoint.setBlockSize(16);
    body = text(size, 'a');
    RequestBody source;
    source.size = size;
    source.read = [this, readable](std::uint64_t offset, std::span<std::uint8_t> out) {
      reads.emplace_back(offset, out.size());
      if (!readable && offset > 0) return false;
      std::copy_n(body.begin() + static_cast<long>(offset), out.size(), out.begin());
      return true;
    };
    source.progress = [this](std::uint64_t acknowledged) { progress.push_back(acknowledged); };
    Message m;
    m.code = codes::Put;
    m.setUriPath("5/0/0");
    endpoint.sendRequest(device, m, std::move(source), [this](const ResponseResult& r) { results.push_back(r); });
  }
  std::string body;
  std::vector<std::pair<std::uint64_t, std::size_t>> reads;
  std::vector<std::uint64_t> progress;
};

TEST_F(BodySendTest, BodyIsReadOneBlockAtATimeAsTheDeviceAcknowledges) {
  put(40);
  EXPECT_EQ(reads, (std::vector<std::pair<std::uint64_t, std::size_t>>{{0, 16}}));
  EXPECT_EQ(sentAt(0).payloadString(), body.substr(0, 16));
  EXPECT_EQ(sentAt(0).uintOption(option::Size1), 40u);
  EXPECT_EQ(parseBlock(sentAt(0), option::Block1), (BlockOption{0, true, 16}));
  scheduler.advance(3s);  // a retransmission resends the datagram, it reads nothing
  EXPECT_EQ(reads.size(), 1u);
  reply(sentAt(0), codes::Continue, BlockOption{0, true, 16});
  EXPECT_EQ(progress, (std::vector<std::uint64_t>{16}));
  reply(lastSent(), codes::Continue, BlockOption{1, true, 16});
  Message last = lastSent();
  EXPECT_EQ(parseBlock(last, option::Block1), (BlockOption{2, false, 16}));
  EXPECT_EQ(last.payloadString(), body.substr(32));
  EXPECT_EQ(reads, (std::vector<std::pair<std::uint64_t, std::size_t>>{{0, 16}, {16, 16}, {32, 8}}));
  reply(last, codes::Changed, BlockOption{2, false, 16});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].response.code, codes::Changed);
  EXPECT_EQ(progress, (std::vector<std::uint64_t>{16, 32}));
}

TEST_F(BodySendTest, SmallBodyGoesInOneDatagramWithoutBlockOptions) {
  put(10);
  EXPECT_EQ(sentAt(0).payloadString(), body);
  EXPECT_EQ(sentAt(0).findOption(option::Block1), nullptr);
  EXPECT_EQ(sentAt(0).findOption(option::Size1), nullptr);
}

TEST_F(BodySendTest, UnreadableBlockEndsTheRequest) {
  put(40, false);
  reply(sentAt(0), codes::Continue, BlockOption{0, true, 16});
  scheduler.advance(0ms);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, RequestStatus::BodyUnavailable);
  EXPECT_EQ(transport.sent.size(), 1u) << "nothing more was sent";
}

// A handler that serves the asked block itself (from a file) is not sliced again.
// Blocks over 64 bytes are not kept for duplicate replay: a duplicate GET is served again.
TEST_F(BlockwiseTest, ResponseWithItsOwnBlock2GoesOutAsItIs) {
  int served = 0;
  endpoint.setRequestHandler([&served](const Peer&, const Message& request, Endpoint::Responder respond) {
    ++served;
    Message block = Message::response(request, codes::Content);
    block.setPayload(text(128, 'q'));
    setBlock(block, option::Block2, BlockOption{5, true, 128});
    respond(block);
  });
  Message get;
  get.code = codes::Get;
  get.messageId = 9;
  get.token = {9};
  get.setUriPath("fw/x");
  setBlock(get, option::Block2, BlockOption{5, false, 128});
  endpoint.setBlockSize(128);
  transport.inject(device, get);
  EXPECT_EQ(parseBlock(lastSent(), option::Block2), (BlockOption{5, true, 128}));
  EXPECT_EQ(lastSent().payloadString(), text(128, 'q'));
  transport.inject(device, get);  // our ACK was lost
  EXPECT_EQ(served, 2);
  EXPECT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(lastSent().messageId, 9);
}

class Block2ServeTest : public BlockwiseTest {
 protected:
  Block2ServeTest() {
    endpoint.setRequestHandler([this](const Peer&, const Message& request,
                                      Endpoint::Responder respond) {
      requests.push_back(request);
      Message content = Message::response(request, codes::Content);
      content.setPayload(text(40, 'a'));
      respond(content);
    });
  }
  Message get(std::uint16_t messageId, std::optional<BlockOption> block2) {
    Message m;
    m.code = codes::Get;
    m.messageId = messageId;
    m.token = {static_cast<std::uint8_t>(messageId)};
    m.setUriPath("3/0");
    if (block2) setBlock(m, option::Block2, *block2);
    return m;
  }
};

TEST_F(Block2ServeTest, LargeResponseIsCutIntoAskedBlocks) {
  endpoint.setBlockSize(16);
  transport.inject(device, get(1, std::nullopt));
  Message first = lastSent();
  EXPECT_EQ(first.code, codes::Content);
  EXPECT_EQ(parseBlock(first, option::Block2), (BlockOption{0, true, 16}));
  EXPECT_EQ(first.uintOption(option::Size2), 40u);
  EXPECT_EQ(first.payloadString(), text(40, 'a').substr(0, 16));
  transport.inject(device, get(2, BlockOption{2, false, 16}));
  Message last = lastSent();
  EXPECT_EQ(parseBlock(last, option::Block2), (BlockOption{2, false, 16}));
  EXPECT_EQ(last.payloadString(), text(40, 'a').substr(32));
  EXPECT_EQ(last.findOption(option::Size2), nullptr);
  transport.inject(device, get(3, BlockOption{5, false, 16}));
  EXPECT_EQ(lastSent().code, codes::BadOption);
}

TEST_F(Block2ServeTest, PeerMayAskForSmallerBlocks) {
  transport.inject(device, get(1, BlockOption{0, false, 32}));
  EXPECT_EQ(parseBlock(lastSent(), option::Block2), (BlockOption{0, true, 32}));
  EXPECT_EQ(lastSent().payload.size(), 32u);
}

}  // namespace
}  // namespace lwm2m::coap
