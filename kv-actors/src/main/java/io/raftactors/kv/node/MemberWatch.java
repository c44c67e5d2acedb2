package io.raftactors.kv.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.raftactors.raft.Asks;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.Peers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator, by name and address, which members this node cannot reach: Raft itself
 * just keeps retrying silently, and Artery's own log lines do not say which member is meant.
 * Asks each other member for its status periodically; logs a warning when one stops answering
 * (or never answered since start) and a note when it answers again.
 */
final class MemberWatch {
  private static final Logger LOG = LoggerFactory.getLogger(MemberWatch.class);

  private sealed interface Msg {}

  private record Tick() implements Msg {}

  private record Answer(String member, boolean reachable) implements Msg {}

  private MemberWatch() {}

  static Behavior<Object> create(String self, Map<String, String> addresses, Peers peers, Duration interval,
      Duration timeout) {
    return Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), interval);
      Map<String, Boolean> reachable = new HashMap<>();
      return Behaviors.receive(Msg.class)
          .onMessage(Tick.class, t -> {
            addresses.keySet().stream().filter(m -> !m.equals(self)).forEach(m ->
                Asks.<io.raftactors.raft.RaftNode.Command, NodeStatus, Msg>askAndPipe(ctx, peers.ref(m), timeout,
                    GetStatus::new, (status, error) -> new Answer(m, error == null)));
            return Behaviors.same();
          })
          .onMessage(Answer.class, a -> {
            Boolean before = reachable.put(a.member(), a.reachable());
            if (!a.reachable() && !Boolean.FALSE.equals(before)) {
              LOG.warn("member {} at {} is unreachable: no answer within {} ms (is it running, and is its address "
                  + "in raft.members right?)", a.member(), addresses.get(a.member()), timeout.toMillis());
            } else if (a.reachable() && Boolean.FALSE.equals(before)) {
              LOG.info("member {} at {} is reachable again", a.member(), addresses.get(a.member()));
            }
            return Behaviors.same();
          })
          .build();
    })).unsafeCast();
  }
}
