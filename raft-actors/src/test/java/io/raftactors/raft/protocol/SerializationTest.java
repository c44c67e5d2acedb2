package io.raftactors.raft.protocol;

import io.raftactors.raft.ActorTestKitExtension;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import akka.serialization.jackson.JacksonCborSerializer;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.Propose;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.RejectReason;
import io.raftactors.raft.Role;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.log.RaftLog;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Everything that crosses a JVM boundary round-trips through the serializers Artery would use. */
class SerializationTest {
  @RegisterExtension static final ActorTestKitExtension KIT = new ActorTestKitExtension();
  static Serialization serialization;

  @BeforeAll
  static void start() {
    serialization = SerializationExtension.get(KIT.testKit().system().classicSystem());
  }


  private static Object roundTrip(Object message) {
    return akka.serialization.Serialization$.MODULE$.withTransportInformation(
        (akka.actor.ExtendedActorSystem) KIT.testKit().system().classicSystem(),
        () -> {
          Serializer s = serialization.findSerializerFor(message);
          byte[] bytes = s.toBinary(message);
          return serialization
              .deserialize(bytes, s.identifier(), Serializers.manifestFor(s, message))
              .get();
        });
  }

  @Test
  void raftRpcsUseTheBinarySerializerAndRoundTrip() {
    List<LogEntry> entries = List.of(
        LogEntry.noop(5, 3, 1000), LogEntry.command(6, 3, 1001, new byte[] {1, 2, 3}),
        new LogEntry(7, 3, 1002, io.raftactors.raft.log.EntryKind.CONFIG,
            io.raftactors.raft.Membership.ofVoters(List.of("n1", "n2"), java.util.Map.of()).encode()));
    List<RaftMessage> messages = List.of(
        new RequestVote(7, "n1", 10, 6, true),
        new RequestVote(8, "n2", 10, 6, false, true),
        new TimeoutNow(9, "n1"),
        new VoteResponse(7, "nöde-2", true, false),
        new AppendEntries(3, "n1", 4, 2, entries, 4, 17),
        new AppendEntries(3, "n1", 4, 2, List.of(), 4, 0),
        AppendResponse.success(3, "n2", 6, 6, 17),
        AppendResponse.reject(3, "n2", 9, 4, 2, 7, 18),
        new InstallSnapshot(5, "n1", 900, 4, 131072, 300000, new byte[] {9, 8, 7}),
        new InstallSnapshot(5, "n1", 900, 4, 0, 1, new byte[] {1}),
        new InstallSnapshotResponse(5, "n2", 900, 4, 131075, InstallSnapshotResponse.Status.ACCEPTED),
        new InstallSnapshotResponse(6, "n3", 900, 4, 0, InstallSnapshotResponse.Status.RESEND));
    for (RaftMessage m : messages) {
      assertInstanceOf(RaftMessageSerializer.class, serialization.findSerializerFor(m));
      assertEquals(m, roundTrip(m));
    }
  }

  @Test
  void clientMessagesUseJacksonCborAndRoundTrip() {
    TestProbe<ProposeResult> replies = KIT.testKit().createTestProbe();
    TestProbe<NodeStatus> statuses = KIT.testKit().createTestProbe();
    Propose propose = new Propose(new byte[] {9, 8, 7}, replies.ref(), 2);
    Object copy = roundTrip(propose);
    Propose p = assertInstanceOf(Propose.class, copy);
    assertArrayEquals(propose.command(), p.command());
    assertEquals(replies.ref(), p.replyTo());
    assertEquals(2, p.hops());

    List<Object> others = List.of(
        new ProposeResult.Applied(4, 2, new byte[] {1}),
        new ProposeResult.Rejected(RejectReason.NO_LEADER, "no leader", null),
        new ProposeResult.Unknown("timeout"),
        new NodeStatus("n1", Role.LEADER, 3, "n1", 10, 9, 11, List.of("n1", "n2", "n3"), 5, 4,
            List.of("n4"), java.util.Map.of("n4", "127.0.0.1:2554"), 7, java.util.Map.of("n2", 11L, "n3", 9L, "n4", 2L)),
        new io.raftactors.raft.TransferResult.Transferred(4, "n2"),
        new io.raftactors.raft.TransferResult.NotTransferred(RejectReason.BUSY, "moving", "n1"),
        new GetStatus(statuses.ref()));
    for (Object m : others) {
      assertInstanceOf(JacksonCborSerializer.class, serialization.findSerializerFor(m));
      assertEquals(m, roundTrip(m));
    }
    var change = new io.raftactors.raft.ChangeMembership(
        io.raftactors.raft.ChangeMembership.Kind.ADD_LEARNER, "n4", "127.0.0.1:2554", replies.ref(), 1);
    assertInstanceOf(JacksonCborSerializer.class, serialization.findSerializerFor(change));
    assertEquals(change, roundTrip(change));
    TestProbe<io.raftactors.raft.TransferResult> transfers = KIT.testKit().createTestProbe();
    var transfer = new io.raftactors.raft.TransferLeadership(null, transfers.ref(), 0);
    assertEquals(transfer, roundTrip(transfer));
  }

  @Test
  void theLargestBatchTheReplicatorBuildsFitsArterysDefaultFrame() {
    RaftSettings settings = RaftSettings.load();
    long frame = 256 * 1024; // akka.remote.artery.advanced.maximum-frame-size default
    Random random = new Random(1);
    for (int dataSize : new int[] {0, 1, 8, 100, 1000, settings.maxCommandBytes()}) {
      RaftLog log = new RaftLog();
      List<LogEntry> entries = new ArrayList<>();
      long count = Math.min(5000, settings.maxBytesPerAppend() / (dataSize + 1) + 10);
      for (int i = 1; i <= count; i++) {
        byte[] data = new byte[dataSize];
        random.nextBytes(data);
        entries.add(LogEntry.command(i, 1, 0, data));
      }
      log.append(entries);
      List<LogEntry> batch =
          log.view().slice(1, settings.maxEntriesPerAppend(), settings.maxBytesPerAppend());
      String longestId = "n".repeat(RaftMessageSerializer.MAX_ID_BYTES);
      AppendEntries m = new AppendEntries(Long.MAX_VALUE, longestId, 0, 0, batch, Long.MAX_VALUE, Long.MAX_VALUE);
      int size = serialization.findSerializerFor(m).toBinary(m).length;
      assertTrue(size + 0L <= settings.maxBytesPerAppend() + RaftSettings.APPEND_HEADER_BYTES,
          dataSize + "-byte entries: " + size + " bytes on the wire");
      assertTrue(size <= frame);
    }
  }

  @Test
  void theLargestSnapshotChunkFitsArterysDefaultFrame() {
    RaftSettings settings = RaftSettings.load();
    String longestId = "n".repeat(RaftMessageSerializer.MAX_ID_BYTES);
    byte[] chunk = new byte[settings.installChunkBytes()];
    InstallSnapshot m = new InstallSnapshot(Long.MAX_VALUE, longestId, Long.MAX_VALUE, Long.MAX_VALUE,
        0, Long.MAX_VALUE, chunk);
    int size = serialization.findSerializerFor(m).toBinary(m).length;
    assertTrue(size <= settings.installChunkBytes() + RaftSettings.APPEND_HEADER_BYTES, size + " bytes");
    assertThrows(IllegalArgumentException.class, () -> RaftSettings.fromRoot(
        com.typesafe.config.ConfigFactory.parseString(
                "raft.snapshot.install.chunk-size = 256 KiB\n"
                    + "akka.remote.artery.advanced.maximum-frame-size = 256 KiB")
            .withFallback(com.typesafe.config.ConfigFactory.load())),
        "a chunk that cannot fit the frame is refused at start");
  }

  @Test
  void malformedBytesGiveAClearError() {
    RaftMessageSerializer s = new RaftMessageSerializer(null);
    byte[] good = s.toBinary(new AppendEntries(1, "n1", 0, 0, List.of(LogEntry.noop(1, 1, 0)), 0, 0));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    NotSerializableException e =
        assertThrows(NotSerializableException.class, () -> s.fromBinary(truncated, "AE"));
    assertTrue(e.getMessage().contains("malformed"), e.getMessage());
    assertThrows(NotSerializableException.class, () -> s.fromBinary(good, "XX"));
    // Well-framed but inconsistent: entry 2 claims to follow prevLogIndex 0.
    byte[] gap = s.toBinary(new AppendEntries(1, "n1", 1, 1, List.of(LogEntry.noop(2, 1, 0)), 0, 0));
    gap[1 + 8 + 2 + 2 + 7] = 0; // prevLogIndex 1 -> 0
    NotSerializableException g = assertThrows(NotSerializableException.class, () -> s.fromBinary(gap, "AE"));
    assertTrue(g.getMessage().contains("malformed AppendEntries"), g.getMessage());
    byte[] wrongVersion = good.clone();
    wrongVersion[0] = 99;
    assertThrows(NotSerializableException.class, () -> s.fromBinary(wrongVersion, "AE"));
  }
}
