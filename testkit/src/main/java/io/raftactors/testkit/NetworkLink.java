package io.raftactors.testkit;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.protocol.RaftMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * One direction of one connection ({@code from -> to}) of the {@link TestNetwork}: what node
 * {@code from} gets as the ActorRef of node {@code to}.
 */
final class NetworkLink extends AbstractBehavior<RaftNode.Command> {

  private enum DeliverDue implements RaftNode.Command {
    INSTANCE
  }

  private record InFlight(long dueNanos, long seq, TestNetwork.Wire wire)
      implements Comparable<InFlight> {
    @Override
    public int compareTo(InFlight o) {
      int c = Long.compare(dueNanos, o.dueNanos);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final String from;
  private final String to;
  private final TestNetwork network;
  private final Random random;
  private final TimerScheduler<RaftNode.Command> timers;
  private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>();
  private final Map<String, String> labels = new HashMap<>();
  private long seq;
  private long lastDueNanos;

  static Behavior<RaftNode.Command> create(String from, String to, TestNetwork network, long seed) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new NetworkLink(ctx, timers, from, to, network, seed)));
  }

  private NetworkLink(
      ActorContext<RaftNode.Command> ctx,
      TimerScheduler<RaftNode.Command> timers,
      String from,
      String to,
      TestNetwork network,
      long seed) {
    super(ctx);
    this.timers = timers;
    this.from = from;
    this.to = to;
    this.network = network;
    this.random = new Random(seed);
  }

  @Override
  public Receive<RaftNode.Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(DeliverDue.INSTANCE, this::onDeliverDue)
        .onMessage(RaftNode.Command.class, this::onSend)
        .build();
  }

  private Behavior<RaftNode.Command> onSend(RaftNode.Command message) {
    TestNetwork.Wire wire;
    try {
      wire = network.serialize(from, message);
    } catch (RuntimeException e) {
      network.failure(from + "->" + to + ": cannot serialize " + message + ": " + e);
      return this;
    }
    NetworkPolicy p = network.policy();
    if (!p.connected(from, to)) {
      trace("cut", wire);
      return this;
    }
    if (p.filtered(from, to, message)) {
      trace("filtered", wire);
      return this;
    }
    if (p.isPerfect() && inFlight.isEmpty()) {
      deliver(wire);
      return this;
    }
    if (random.nextDouble() < p.dropRate()) {
      trace("lost", wire);
      return this;
    }
    int copies = message instanceof RaftMessage && random.nextDouble() < p.duplicateRate() ? 2 : 1;
    long now = System.nanoTime();
    for (int i = 0; i < copies; i++) {
      long delay = p.maxDelay().isZero() ? 0 : (long) (random.nextDouble() * p.maxDelay().toNanos());
      long due = now + delay;
      if (!p.reordering()) due = Math.max(due, lastDueNanos);
      lastDueNanos = Math.max(lastDueNanos, due);
      inFlight.add(new InFlight(due, seq++, wire));
    }
    scheduleHead();
    return this;
  }

  private Behavior<RaftNode.Command> onDeliverDue() {
    long now = System.nanoTime();
    while (!inFlight.isEmpty() && inFlight.peek().dueNanos() <= now) {
      InFlight next = inFlight.poll();
      if (network.policy().connected(from, to)) deliver(next.wire());
      else trace("cut in flight", next.wire());
    }
    scheduleHead();
    return this;
  }

  private void scheduleHead() {
    if (inFlight.isEmpty()) return;
    long wait = Math.max(0, inFlight.peek().dueNanos() - System.nanoTime());
    timers.startSingleTimer(DeliverDue.INSTANCE, Duration.ofNanos(wait));
  }

  private void deliver(TestNetwork.Wire wire) {
    ActorRef<RaftNode.Command> target = network.liveRef(to);
    if (target == null) {
      trace("to crashed node", wire);
      return;
    }
    RaftNode.Command copy;
    try {
      copy = network.deserialize(wire);
    } catch (RuntimeException e) {
      network.failure(from + "->" + to + ": cannot deserialize " + wire.original() + ": " + e);
      return;
    }
    target.tell(copy);
    trace("delivered", wire);
  }

  private void trace(String what, TestNetwork.Wire wire) {
    String label = labels.computeIfAbsent(what, w -> from + "->" + to + " " + w);
    network.trace().add(label, wire.original());
  }
}
