#pragma once
// releaseSpareBuckets: a hash table keeps the bucket array of its largest
// size after its entries are erased (8 bytes a bucket: ~160 KB for one that
// held 10,000 devices, megabytes for per-message tables). Call it after
// erasing per-device entries: once the table is under a quarter full it is
// rehashed to its size, so memory follows the devices that are there. The
// quarter keeps a table that shrinks and grows by a little from rehashing
// every time; small tables are left alone.

#include <cstddef>

namespace lwm2m {

template <class HashTable>
void releaseSpareBuckets(HashTable& table) {
  constexpr std::size_t kSmall = 64;
  if (table.bucket_count() > kSmall && table.size() < table.bucket_count() / 4) table.rehash(0);
}

}  // namespace lwm2m
