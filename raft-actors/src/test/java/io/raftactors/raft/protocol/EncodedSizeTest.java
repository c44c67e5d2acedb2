package io.raftactors.raft.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftactors.raft.log.EntryKind;
import io.raftactors.raft.log.LogEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RaftMessageSerializer#encodedSize} is exactly what toBinary produces, for every message type. */
class EncodedSizeTest {
  private final RaftMessageSerializer serializer = new RaftMessageSerializer(null);

  /** Plain, two-byte, three-byte, four-byte (a surrogate pair) and an unpaired surrogate in ids. */
  private static final List<String> IDS = List.of("n1", "nöde-2", "ノード3", "n\uD83D\uDE00", "bad\uD800id", "");

  @Test
  void everyMessageTypeWithEveryKindOfId() {
    List<LogEntry> entries = List.of(
        LogEntry.noop(5, 3, 1000), LogEntry.command(6, 3, 1001, new byte[] {1, 2, 3}),
        new LogEntry(7, 3, 1002, EntryKind.CONFIG, new byte[100]));
    List<RaftMessage> messages = new ArrayList<>();
    for (String id : IDS) {
      messages.add(new RequestVote(7, id, 10, 6, true));
      messages.add(new RequestVote(8, id, 10, 6, false, true));
      messages.add(new TimeoutNow(9, id));
      messages.add(new VoteResponse(7, id, true, false));
      messages.add(new AppendEntries(3, id, 4, 2, entries, 4, 17));
      messages.add(new AppendEntries(3, id, 4, 2, List.of(), 4, 0));
      messages.add(AppendResponse.success(3, id, 6, 6, 17));
      messages.add(AppendResponse.reject(3, id, 9, 4, 2, 7, 18));
      messages.add(new InstallSnapshot(5, id, 900, 4, 131072, 300000, new byte[4096]));
      messages.add(new InstallSnapshot(5, id, 900, 4, 0, 1, new byte[] {1}));
      messages.add(new InstallSnapshotResponse(5, id, 900, 4, 131075, InstallSnapshotResponse.Status.ACCEPTED));
    }
    java.util.Set<Class<?>> covered = new java.util.HashSet<>();
    for (RaftMessage m : messages) {
      assertEquals(serializer.toBinary(m).length, RaftMessageSerializer.encodedSize(m), m.toString());
      covered.add(m.getClass());
    }
    assertEquals(RaftMessage.class.getPermittedSubclasses().length, covered.size(), "every message type");
  }

  @Test
  void utf8LengthMatchesTheEncoder() {
    for (String id : IDS) {
      assertEquals(id.getBytes(StandardCharsets.UTF_8).length, RaftMessageSerializer.utf8Length(id), id);
    }
  }
}
