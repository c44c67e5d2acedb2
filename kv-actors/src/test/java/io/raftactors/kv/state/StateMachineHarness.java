package io.raftactors.kv.state;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.WatchEvent;
import io.raftactors.raft.CommittedCommand;
import java.util.ArrayList;
import java.util.List;

/** A KV state machine fed by hand: each write is the next log entry, stamped with {@link #clock}. */
abstract class StateMachineHarness {
  final List<WatchEvent> events = new ArrayList<>();
  final KvStateMachine sm = new KvStateMachine(events::addAll);
  long index;
  long clock = 1_000_000;

  static Bytes b(String s) {
    return Bytes.of(s);
  }

  KvResult apply(KvWrite w) {
    return apply(null, w);
  }

  KvResult apply(KvCodec.SessionStamp stamp, KvWrite w) {
    byte[] cmd = KvCodec.encode(new KvCodec.Command(stamp, w));
    byte[] result = sm.apply(new CommittedCommand(++index, 1, clock, cmd));
    sm.batchApplied();
    return KvCodec.decodeResult(result);
  }

  KvResult query(KvQuery q) {
    return (KvResult) sm.read(q);
  }

  KeyValue get(String key) {
    return ((KvResult.GetResult) query(new KvQuery.Get(b(key)))).kv();
  }
}
