// Endpoint, block-wise transfers (RFC 7959): reassembly of Block1 request
// bodies we receive, and fetching of Block2 response bodies to our requests.
#include <algorithm>
#include <string>

#include "lwm2m/coap/endpoint_impl.h"

namespace lwm2m::coap {

namespace {

// Identifies one block-wise request body: peer, method and request URI.
std::string assemblyKey(const Peer& peer, const Message& request) {
  std::string key = toString(peer);
  key += '|';
  key += request.code.toString();
  for (const Option& o : request.options()) {
    if (o.number != option::UriHost && o.number != option::UriPort &&
        o.number != option::UriPath && o.number != option::UriQuery) {
      continue;
    }
    key += '|';
    key += std::to_string(o.number);
    key += '=';
    key.append(o.value.begin(), o.value.end());
  }
  return key;
}

Message reply(Code code, std::string_view diagnostic = {}) {
  Message m;
  m.code = code;
  m.setPayload(diagnostic);
  return m;
}

}  // namespace

void Endpoint::Impl::answer(const MessageKey& key, std::uint64_t serial, const Message& request,
                            Message response) {
  respond(key, serial, request.type == MessageType::Confirmable,
          std::string(request.token.begin(), request.token.end()), std::move(response));
}

// Returns the final Block1 option once `request` carries the whole body;
// nullopt when the request was answered here (2.31 Continue or an error).
std::optional<BlockOption> Endpoint::Impl::assembleBlock1(const MessageKey& key,
                                                          std::uint64_t serial, Message& request) {
  const auto block = parseBlock(request, option::Block1);
  if (!block) {
    answer(key, serial, request, reply(codes::BadRequest, "invalid Block1 option"));
    return std::nullopt;
  }
  const std::string id = assemblyKey(key.peer, request);
  auto tooLarge = [&] {
    assemblies_.erase(id);
    Message m = reply(codes::RequestEntityTooLarge, "body larger than " +
                                                        std::to_string(maxBodySize) + " bytes");
    m.addUintOption(option::Size1, static_cast<std::uint32_t>(maxBodySize));
    answer(key, serial, request, std::move(m));
  };
  if (block->num == 0) {
    auto announced = request.uintOption(option::Size1);
    if (announced && *announced > maxBodySize) {
      tooLarge();
      return std::nullopt;
    }
    assemblies_[id] = Assembly{};
  }
  auto found = assemblies_.find(id);
  const std::size_t offset = std::size_t{block->num} * block->size;
  if (found == assemblies_.end() || found->second.body.size() != offset) {
    const std::size_t have = found == assemblies_.end() ? 0 : found->second.body.size();
    if (found != assemblies_.end()) assemblies_.erase(found);
    answer(key, serial, request,
           reply(codes::RequestEntityIncomplete, "block " + std::to_string(block->num) +
                                                     " starts at byte " + std::to_string(offset) +
                                                     ", " + std::to_string(have) + " received"));
    return std::nullopt;
  }
  if (block->more && request.payload.size() != block->size) {
    assemblies_.erase(found);
    answer(key, serial, request,
           reply(codes::BadRequest, "block " + std::to_string(block->num) + " of size " +
                                        std::to_string(block->size) + " carries " +
                                        std::to_string(request.payload.size()) + " bytes"));
    return std::nullopt;
  }
  if (offset + request.payload.size() > maxBodySize) {
    tooLarge();
    return std::nullopt;
  }
  Assembly& assembly = found->second;
  assembly.body.insert(assembly.body.end(), request.payload.begin(), request.payload.end());
  assembly.expires = scheduler_.now() + parameters.exchangeLifetime();
  if (block->more) {
    // RFC 7959 §2.3: the 2.31 may ask for smaller blocks from here on.
    Message next = reply(codes::Continue);
    setBlock(next, option::Block1,
             BlockOption{block->num, true, std::min<std::uint16_t>(block->size, blockSize)});
    answer(key, serial, request, std::move(next));
    scheduleSweep();
    return std::nullopt;
  }
  request.payload = std::move(assembly.body);
  assemblies_.erase(found);
  request.removeOptions(option::Block1);
  request.removeOptions(option::Size1);
  return block;
}

void Endpoint::Impl::sweepAssemblies(Clock::time_point now) {
  std::erase_if(assemblies_, [now](const auto& entry) { return entry.second.expires <= now; });
}

// Called with each response to our request before delivery. A non-final
// Block2 block is stored and the next block requested (same token, new
// message ID); the final block gets the whole body. Inconsistent transfers
// (a block at the wrong offset, a changed ETag) restart from block 0 twice at
// most; after that, or past maxBodySize, the block is delivered as it is.
bool Endpoint::Impl::continueBlock2(RequestId id, const Peer& from, Message& response) {
  Outgoing& out = requests_.at(id);
  if (out.keepToken || !response.code.isSuccess()) return false;
  const auto block = parseBlock(response, option::Block2);
  if (!block || (block->num == 0 && !block->more)) return false;
  auto original = decode(out.datagram);
  if (!original) return false;
  if (auto asked = parseBlock(*original, option::Block2);
      !out.fetchingBlocks && asked && asked->num != 0) {
    return false;  // the caller asked for one particular block
  }

  const Option* etagOption = response.findOption(option::ETag);
  const OptionValue etag = etagOption ? etagOption->value : OptionValue{};
  if (block->num == 0) {  // the first block (again): start over with it
    out.body.clear();
    out.etag = etag;
  }
  const std::size_t offset = std::size_t{block->num} * block->size;
  std::uint32_t nextNum = 0;
  if (offset != out.body.size() || etag != out.etag) {
    if (out.blockRestarts >= 2) return false;
    ++out.blockRestarts;
    out.body.clear();
  } else {
    if (offset + response.payload.size() > maxBodySize) return false;
    out.body.insert(out.body.end(), response.payload.begin(), response.payload.end());
    if (!block->more) {
      response.payload = std::move(out.body);
      response.removeOptions(option::Block2);
      return false;
    }
    nextNum = block->num + 1;
  }

  auto messageId = messageIds_.allocate(from, scheduler_.now());
  if (!messageId) return false;
  Message next = std::move(*original);
  if (next.findOption(option::Block1) != nullptr) {  // RFC 7959 §3.3: body already sent
    next.removeOptions(option::Block1);
    next.removeOptions(option::Size1);
    next.payload.clear();
  }
  setBlock(next, option::Block2, BlockOption{nextNum, false, block->size});
  next.messageId = *messageId;
  out.peer = from;
  out.messageId = *messageId;
  out.datagram = encode(next);
  out.fetchingBlocks = true;
  byMessageId_[MessageKey{from, *messageId}] = id;
  transmit(id, out, next.type == MessageType::Confirmable);
  return true;
}

bool Endpoint::Impl::fetchNotificationBody(RequestId id, const Peer& from, Message& notification) {
  const auto block = parseBlock(notification, option::Block2);
  if (!block || block->num != 0 || !block->more) return false;
  auto original = decode(requests_.at(id).datagram);
  if (!original) return false;
  Message get = std::move(*original);
  get.type = MessageType::Confirmable;
  get.token.clear();  // a fresh token: notifications keep using the observation's
  get.removeOptions(option::Observe);
  setBlock(get, option::Block2, BlockOption{1, false, block->size});

  const Option* etagOption = notification.findOption(option::ETag);
  OptionValue etag = etagOption ? etagOption->value : OptionValue{};
  std::vector<std::uint8_t> firstBlock = notification.payload;
  auto head = std::make_shared<Message>(std::move(notification));
  const RequestId fetch = sendRequest(
      from, std::move(get),
      [this, id, head, from](const ResponseResult& result) {
        Message whole = std::move(*head);
        if (result.status == RequestStatus::Ok && result.response.code.isSuccess() &&
            result.response.findOption(option::Block2) == nullptr) {
          whole.payload = result.response.payload;
          whole.removeOptions(option::Block2);
        }  // otherwise the first block goes up as it came, Block2 included
        auto found = requests_.find(id);
        if (found == requests_.end()) return;  // cancelled meanwhile
        auto keepAlive = shared_from_this();
        auto handler = found->second.handler;
        if (handler && *handler) (*handler)(ResponseResult{RequestStatus::Ok, std::move(whole), from});
      },
      false);
  // The fetch continues a body whose first block is already here.
  if (auto found = requests_.find(fetch); found != requests_.end()) {
    found->second.body = std::move(firstBlock);
    found->second.etag = std::move(etag);
    found->second.fetchingBlocks = true;
  }
  return true;
}

void Endpoint::Impl::negotiateBlock2(Message& request) const {
  if (blockSize >= 1024 || request.findOption(option::Block2) != nullptr) return;
  if (request.code != codes::Get && request.code != codes::Fetch) return;
  setBlock(request, option::Block2, BlockOption{0, false, blockSize});
}

RequestBody RequestBody::of(std::vector<std::uint8_t> bytes) {
  auto shared = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
  RequestBody body;
  body.size = shared->size();
  body.read = [shared](std::uint64_t offset, std::span<std::uint8_t> out) {
    if (offset > shared->size() || out.size() > shared->size() - offset) return false;
    std::copy_n(shared->begin() + static_cast<long>(offset), out.size(), out.begin());
    return true;
  };
  return body;
}

bool Endpoint::Impl::startBlock1(Outgoing& out, Message& request, std::optional<RequestBody> body) {
  if (!body) {
    if (request.payload.size() <= blockSize || request.findOption(option::Block1) != nullptr) return true;
    body = RequestBody::of(std::move(request.payload));
  }
  if (!body->read) return false;
  const std::uint64_t first = std::min<std::uint64_t>(body->size, blockSize);
  request.payload.resize(first);
  if (!body->read(0, request.payload)) return false;
  request.removeOptions(option::Block1);
  request.removeOptions(option::Size1);
  if (body->size <= blockSize) return true;  // fits one datagram
  setBlock(request, option::Block1, BlockOption{0, true, blockSize});
  request.addUintOption(option::Size1, static_cast<std::uint32_t>(body->size));
  out.requestBody = std::make_shared<RequestBody>(std::move(*body));
  return true;
}

bool Endpoint::Impl::continueBlock1(RequestId id, const Peer& from, const Message& response) {
  Outgoing& out = requests_.at(id);
  if (!out.requestBody || response.code != codes::Continue) return false;
  const auto acknowledged = parseBlock(response, option::Block1);
  auto original = decode(out.datagram);
  if (!acknowledged || !original) return false;
  const auto sent = parseBlock(*original, option::Block1);
  if (!sent || acknowledged->num != sent->num || !sent->more) return false;
  // RFC 7959 §2.3: the server may ask for smaller blocks from now on.
  const std::uint64_t done = (std::uint64_t{sent->num} + 1) * sent->size;
  out.peer = from;
  const auto body = out.requestBody;  // the progress callback may end the request
  sendBlock1(id, done, std::min(sent->size, acknowledged->size));
  if (body->progress) body->progress(done);
  return true;
}

void Endpoint::Impl::sendBlock1(RequestId id, std::uint64_t offset, std::uint16_t size) {
  auto found = requests_.find(id);
  if (found == requests_.end()) return;
  Outgoing& out = found->second;
  auto original = decode(out.datagram);
  if (!original) return;
  const RequestBody& body = *out.requestBody;
  auto messageId = messageIds_.allocate(out.peer, scheduler_.now());
  if (!messageId) {
    out.timer = scheduler_.schedule(std::chrono::seconds(1), [this, id, offset, size] {
      sendBlock1(id, offset, size);
    });
    return;
  }
  const std::uint64_t end = std::min<std::uint64_t>(offset + size, body.size);
  Message next = std::move(*original);
  next.removeOptions(option::Size1);
  next.payload.resize(static_cast<std::size_t>(end - offset));
  if (!body.read(offset, next.payload)) {
    finish(id, RequestStatus::BodyUnavailable, out.peer);
    return;
  }
  setBlock(next, option::Block1,
           BlockOption{static_cast<std::uint32_t>(offset / size), end < body.size, size});
  next.messageId = *messageId;
  out.messageId = *messageId;
  out.datagram = encode(next);
  byMessageId_[MessageKey{out.peer, *messageId}] = id;
  transmit(id, out, next.type == MessageType::Confirmable);
}

void Endpoint::Impl::sliceBlock2(const std::optional<BlockOption>& asked, Message& response) const {
  if (response.findOption(option::Block2) != nullptr) return;  // the handler chose the block
  const std::uint16_t size = asked ? std::min(asked->size, blockSize) : blockSize;
  const std::uint32_t num = asked ? asked->num : 0;
  if (response.payload.size() <= size && num == 0) return;
  const std::size_t total = response.payload.size();
  const std::size_t offset = std::size_t{num} * size;
  if (offset >= total && num != 0) {
    Message bad;
    bad.code = codes::BadOption;
    bad.token = response.token;
    bad.setPayload("Block2 " + std::to_string(num) + " is past the end (" +
                   std::to_string(total) + " bytes)");
    response = std::move(bad);
    return;
  }
  const std::size_t end = std::min(offset + size, total);
  std::vector<std::uint8_t> slice(response.payload.begin() + static_cast<long>(offset),
                                  response.payload.begin() + static_cast<long>(end));
  response.payload = std::move(slice);
  setBlock(response, option::Block2, BlockOption{num, end < total, size});
  if (num == 0) {
    response.removeOptions(option::Size2);
    response.addUintOption(option::Size2, static_cast<std::uint32_t>(total));
  }
}

}  // namespace lwm2m::coap
