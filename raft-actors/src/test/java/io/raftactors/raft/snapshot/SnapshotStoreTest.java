package io.raftactors.raft.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
  @TempDir Path dir;

  private static byte[] body(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private SnapshotStore.Meta write(SnapshotStore store, long index, long term, byte[] body) throws IOException {
    try (SnapshotStore.Writer w = store.begin(index, term)) {
      // in pieces, as a state machine streams it
      for (int off = 0; off < body.length; off += 1000) {
        w.body().write(body, off, Math.min(1000, body.length - off));
      }
      assertEquals(body.length, w.bodyBytes());
      return w.commit();
    }
  }

  private static byte[] read(SnapshotStore store, SnapshotStore.Meta meta) throws IOException {
    try (InputStream in = store.openBody(meta)) {
      return in.readAllBytes();
    }
  }

  @Test
  void roundTripAndNewestFirst() throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    byte[] a = body(300_000, 1);
    byte[] b = body(10, 2);
    write(store, 100, 2, a);
    SnapshotStore.Meta newest = write(store, 250, 3, b);
    assertEquals(List.of(250L, 100L), store.list().stream().map(SnapshotStore.Meta::index).toList());
    assertEquals(newest, store.newestValid().orElseThrow());
    store.verify(store.list().get(1));
    assertArrayEquals(b, read(store, newest));
    assertArrayEquals(a, read(store, store.list().get(1)));
    assertTrue(Files.exists(dir.resolve("snapshot-00000000000000000250-00000000000000000003.snap")));
  }

  @Test
  void anEmptyBodyIsASnapshotToo() throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    SnapshotStore.Meta m = write(store, 1, 1, new byte[0]);
    store.verify(m);
    assertArrayEquals(new byte[0], read(store, m));
  }

  @Test
  void anAbortedOrInterruptedWriteLeavesNothing() throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    try (SnapshotStore.Writer w = store.begin(7, 1)) {
      w.body().write(body(5000, 3));
      // no commit: closing aborts
    }
    assertTrue(store.list().isEmpty());
    // a crash mid-write leaves a temporary file: the next open removes it
    Files.write(dir.resolve("snapshot-00000000000000000009-00000000000000000001.snap.tmp"), body(100, 4));
    store = new SnapshotStore(dir);
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void damageIsFoundAndAnOlderSnapshotIsUsed() throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    SnapshotStore.Meta old = write(store, 100, 2, body(50_000, 5));
    SnapshotStore.Meta flipped = write(store, 200, 2, body(50_000, 6));
    try (RandomAccessFile f = new RandomAccessFile(flipped.path().toFile(), "rw")) {
      f.seek(20_000);
      int b = f.read();
      f.seek(20_000);
      f.write(b ^ 0x10);
    }
    SnapshotCorruptedException e = assertThrows(SnapshotCorruptedException.class, () -> store.verify(flipped));
    assertTrue(e.getMessage().contains(flipped.path().toString()) && e.getMessage().contains("checksum"), e.getMessage());
    assertEquals(old, store.newestValid().orElseThrow());

    SnapshotStore.Meta torn = write(store, 300, 2, body(50_000, 7));
    try (RandomAccessFile f = new RandomAccessFile(torn.path().toFile(), "rw")) {
      f.setLength(30_000);
    }
    SnapshotStore.Meta tornNow = store.list().get(0);
    assertThrows(SnapshotCorruptedException.class, () -> store.verify(tornNow));
    assertEquals(old, store.newestValid().orElseThrow());

    // a file renamed to claim another position
    Files.move(old.path(), dir.resolve(SnapshotStore.fileName(150, 2)));
    SnapshotStore.Meta renamed = store.list().stream().filter(m -> m.index() == 150).findFirst().orElseThrow();
    SnapshotCorruptedException r = assertThrows(SnapshotCorruptedException.class, () -> store.verify(renamed));
    assertTrue(r.getMessage().contains("unlike its name"), r.getMessage());
    assertFalse(store.newestValid().isPresent());
  }

  @Test
  void retainKeepsTheNewest() throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    for (long i = 1; i <= 5; i++) write(store, i * 10, 1, body(100, i));
    store.retain(2);
    assertEquals(List.of(50L, 40L), store.list().stream().map(SnapshotStore.Meta::index).toList());
  }

  @Test
  void retainNeverDeletesTheNewestValidSnapshot() throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    write(store, 10, 1, body(100, 1));
    SnapshotStore.Meta good = write(store, 20, 1, body(100, 2));
    SnapshotStore.Meta damaged = write(store, 30, 1, body(100, 3));
    try (RandomAccessFile f = new RandomAccessFile(damaged.path().toFile(), "rw")) {
      f.setLength(50);
    }
    store.retain(1);
    assertEquals(List.of(30L, 20L), store.list().stream().map(SnapshotStore.Meta::index).toList());
    assertEquals(20L, store.newestValid().orElseThrow().index());
    assertArrayEquals(body(100, 2), read(store, good));
  }

  /** A resent install of the same snapshot must not write into the other writer's file. */
  @Test
  void twoWritersOfTheSameSnapshotDoNotShareAFile() throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    byte[] a = body(1000, 8);
    byte[] b = body(5000, 9);
    try (SnapshotStore.Writer w1 = store.begin(40, 2); SnapshotStore.Writer w2 = store.begin(40, 2)) {
      w1.body().write(a);
      w2.body().write(b, 0, 100);
      SnapshotStore.Meta first = w1.commit();
      w2.body().write(b, 100, b.length - 100);
      assertArrayEquals(a, read(store, first));
      SnapshotStore.Meta second = w2.commit();
      store.verify(second);
      assertArrayEquals(b, read(store, second));
    }
    assertEquals(1, store.list().size());
  }

  @Test
  void aConfigurationBlockIsKeptApartFromTheBody() throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    byte[] body = body(5000, 3);
    byte[] config = "voters n1,n2".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    SnapshotStore.Meta meta;
    try (SnapshotStore.Writer w = store.begin(12, 2, config)) {
      w.body().write(body);
      meta = w.commit();
    }
    store.verify(meta);
    assertArrayEquals(body, read(store, meta), "the state machine reads exactly its own bytes");
    assertArrayEquals(config, store.readConfiguration(meta));
    // A file received whole from another node keeps it too.
    SnapshotStore other = new SnapshotStore(dir.resolve("other"));
    SnapshotStore.Meta copy;
    try (SnapshotStore.Writer w = other.receive(12, 2)) {
      w.body().write(Files.readAllBytes(meta.path()));
      copy = w.commit();
    }
    assertArrayEquals(config, other.readConfiguration(copy));
    assertArrayEquals(body, read(other, copy));
    // An older file (no block) has none, and its body is unchanged.
    SnapshotStore.Meta old = write(store, 20, 2, body);
    assertEquals(null, store.readConfiguration(old));
    assertArrayEquals(body, read(store, old));
  }
}
