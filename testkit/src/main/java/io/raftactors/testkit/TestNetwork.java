package io.raftactors.testkit;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.serialization.Serialization;
import akka.serialization.Serialization$;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import io.raftactors.raft.RaftNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The controllable network between the nodes of a {@link RaftTestCluster}. Every message a node
 * sends to another goes through a link actor that serializes it with the serializer Artery would
 * use, applies the current conditions (disconnects, partitions, loss, delay, reordering,
 * duplication) and delivers the deserialized copy to the current incarnation of the receiver.
 *
 * <p>Changes take effect for messages sent afterwards and for messages still delayed in the
 * network (a partition also cuts messages already in flight).
 */
public final class TestNetwork {
  private volatile NetworkPolicy policy = NetworkPolicy.HEALTHY;
  private final Map<String, ActorRef<RaftNode.Command>> live = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> messages = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> bytes = new ConcurrentHashMap<>();
  private final ExtendedActorSystem system;
  private final Serialization serialization;
  private final MessageTrace trace;
  private final Consumer<String> onFailure;
  private final List<String> nodeIds;

  TestNetwork(
      ActorSystem<?> system, List<String> nodeIds, MessageTrace trace, Consumer<String> onFailure) {
    this.onFailure = onFailure;
    this.system = (ExtendedActorSystem) system.classicSystem();
    this.serialization = SerializationExtension.get(system.classicSystem());
    this.trace = trace;
    this.nodeIds = List.copyOf(nodeIds);
    for (String id : nodeIds) {
      messages.put(id, new LongAdder());
      bytes.put(id, new LongAdder());
    }
  }

  /** Cuts {@code id} off from every other node (both directions). */
  public void disconnect(String id) {
    Set<String> d = new HashSet<>(policy.disconnected());
    d.add(id);
    policy = policy.withDisconnected(Set.copyOf(d));
    trace.add("NET disconnect " + id);
  }

  /** Undoes {@link #disconnect} for {@code id}. */
  public void connect(String id) {
    Set<String> d = new HashSet<>(policy.disconnected());
    d.remove(id);
    policy = policy.withDisconnected(Set.copyOf(d));
    trace.add("NET connect " + id);
  }

  /** Splits the nodes into groups that only talk within themselves; unlisted nodes are alone. */
  @SafeVarargs
  public final void partition(Set<String>... groups) {
    Map<String, Integer> groupOf = new HashMap<>();
    for (int g = 0; g < groups.length; g++) {
      for (String id : groups[g]) {
        if (groupOf.put(id, g) != null) {
          throw new IllegalArgumentException(id + " is in two groups of " + Arrays.toString(groups));
        }
      }
    }
    policy = policy.withGroups(Map.copyOf(groupOf));
    trace.add("NET partition " + Arrays.toString(groups));
  }

  /** Removes every partition and disconnect (loss, delay and duplication stay as set). */
  public void heal() {
    policy = policy.withGroups(Map.of()).withDisconnected(Set.of());
    trace.add("NET heal");
  }

  /** Each message is lost with probability {@code dropRate} and delayed up to {@code maxDelay}. */
  public void setUnreliable(double dropRate, Duration maxDelay) {
    if (dropRate < 0 || dropRate >= 1) throw new IllegalArgumentException("dropRate in [0, 1)");
    policy = policy.withUnreliable(dropRate, maxDelay);
    trace.add("NET unreliable drop=" + dropRate + " maxDelay=" + maxDelay);
  }

  /** Whether delayed messages may overtake each other on one link. */
  public void setReordering(boolean reordering) {
    policy = policy.withReordering(reordering);
    trace.add("NET reordering=" + reordering);
  }

  /**
   * Each Raft RPC is delivered twice with probability {@code rate} (Raft must tolerate duplicate
   * RPCs). Forwarded proposals are never duplicated: Artery delivers a message at most once, and
   * making a client's own retries idempotent is the job of client sessions, not of the network.
   */
  public void duplicate(double rate) {
    if (rate < 0 || rate > 1) throw new IllegalArgumentException("rate in [0, 1]");
    policy = policy.withDuplicates(rate);
    trace.add("NET duplicate rate=" + rate);
  }

  /** Adds (or replaces) the filter called {@code name}: messages it matches are dropped. */
  public void addFilter(String name, MessageFilter filter) {
    Map<String, MessageFilter> f = new HashMap<>(policy.filters());
    f.put(name, filter);
    policy = policy.withFilters(Map.copyOf(f));
    trace.add("NET filter + " + name);
  }

  /** Removes the filter called {@code name}. */
  public void removeFilter(String name) {
    Map<String, MessageFilter> f = new HashMap<>(policy.filters());
    f.remove(name);
    policy = policy.withFilters(Map.copyOf(f));
    trace.add("NET filter - " + name);
  }

  /** Back to a perfect network: no partitions, loss, delay, reordering, duplication or filters. */
  public void reset() {
    policy = NetworkPolicy.HEALTHY;
    trace.add("NET reset");
  }

  /** Whether a message from {@code from} to {@code to} would pass the network now. */
  public boolean connected(String from, String to) {
    return policy.connected(from, to);
  }

  /** Messages {@code id} has sent to other nodes (including those the network then lost). */
  public long messageCount(String id) {
    return messages.get(id).sum();
  }

  /** Serialized bytes {@code id} has sent to other nodes. */
  public long bytesSent(String id) {
    return bytes.get(id).sum();
  }

  List<String> nodeIds() {
    return nodeIds;
  }

  /** A message that cannot cross a real network: reported as a test failure. */
  void failure(String what) {
    onFailure.accept(what);
  }

  NetworkPolicy policy() {
    return policy;
  }

  MessageTrace trace() {
    return trace;
  }

  void setLive(String id, ActorRef<RaftNode.Command> ref) {
    if (ref == null) live.remove(id);
    else live.put(id, ref);
  }

  ActorRef<RaftNode.Command> liveRef(String id) {
    return live.get(id);
  }

  /** A message as it crosses the wire; {@code original} is kept only for the trace. */
  record Wire(byte[] bytes, int serializerId, String manifest, Object original) {}

  Wire serialize(String from, RaftNode.Command message) {
    Serializer serializer = serialization.findSerializerFor(message);
    byte[] data = withTransport(() -> serializer.toBinary(message));
    messages.get(from).increment();
    bytes.get(from).add(data.length);
    return new Wire(
        data, serializer.identifier(), Serializers.manifestFor(serializer, message), message);
  }

  RaftNode.Command deserialize(Wire wire) {
    return withTransport(() -> (RaftNode.Command)
        serialization.deserialize(wire.bytes(), wire.serializerId(), wire.manifest()).get());
  }

  /** ActorRefs inside messages (de)serialize only with the system's transport information set. */
  private <T> T withTransport(Supplier<T> f) {
    return Serialization$.MODULE$.withTransportInformation(system, f::get);
  }
}
