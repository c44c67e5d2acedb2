package io.raftactors.raft;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cluster configuration: who votes, who only learns, and (when known) where each member is
 * reached. Replicated through the log as {@code CONFIG} entries; a node uses the latest one in its
 * log, committed or not (dissertation 4.1), and changes go one server at a time.
 *
 * @param voters members that vote and count toward quorums, in a stable order
 * @param learners members that receive the log but never vote or count (etcd's learners,
 *     ZooKeeper's observers)
 * @param addresses a member's address (e.g. {@code host:port} of its Artery endpoint) where one
 *     was given; {@link Peers} implementations use it to reach members added at run time
 */
public record Membership(List<String> voters, List<String> learners, Map<String, String> addresses)
    implements RaftSerializable {

  private static final byte FORMAT = 1;

  public Membership {
    voters = List.copyOf(voters);
    learners = List.copyOf(learners);
    addresses = java.util.Collections.unmodifiableMap(new TreeMap<>(addresses));
    if (voters.stream().distinct().count() != voters.size()) {
      throw new IllegalArgumentException("duplicate voters: " + voters);
    }
    if (learners.stream().distinct().count() != learners.size()) {
      throw new IllegalArgumentException("duplicate learners: " + learners);
    }
    for (String l : learners) {
      if (voters.contains(l)) throw new IllegalArgumentException(l + " is both a voter and a learner");
    }
    for (String id : voters) checkId(id);
    for (String id : learners) checkId(id);
  }

  /** The configuration a cluster starts with: these voters, no learners. */
  public static Membership ofVoters(List<String> voters, Map<String, String> addresses) {
    return new Membership(voters, List.of(), addresses);
  }

  /** Checks a member id: 1 to 255 bytes of UTF-8, no whitespace. */
  public static void checkId(String id) {
    if (id == null || id.isBlank()
        || id.getBytes(StandardCharsets.UTF_8).length
            > io.raftactors.raft.protocol.RaftMessageSerializer.MAX_ID_BYTES
        || id.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("node id '" + id + "' must be 1 to "
          + io.raftactors.raft.protocol.RaftMessageSerializer.MAX_ID_BYTES
          + " bytes without whitespace");
    }
  }

  public boolean isVoter(String id) {
    return voters.contains(id);
  }

  public boolean isLearner(String id) {
    return learners.contains(id);
  }

  public boolean isMember(String id) {
    return isVoter(id) || isLearner(id);
  }

  /** Voters then learners. */
  public List<String> members() {
    List<String> all = new ArrayList<>(voters);
    all.addAll(learners);
    return all;
  }

  /** The address of {@code id}, or null if none is known. */
  public String address(String id) {
    return addresses.get(id);
  }

  /** This configuration with {@code id} added as a learner (at {@code address}, if not null). */
  public Membership withLearner(String id, String address) {
    if (isMember(id)) throw new IllegalArgumentException(id + " is already a member");
    List<String> l = new ArrayList<>(learners);
    l.add(id);
    Map<String, String> a = new LinkedHashMap<>(addresses);
    if (address != null) a.put(id, address);
    return new Membership(voters, l, a);
  }

  /** This configuration with learner {@code id} made a voter. */
  public Membership promoted(String id) {
    if (!isLearner(id)) throw new IllegalArgumentException(id + " is not a learner");
    List<String> v = new ArrayList<>(voters);
    v.add(id);
    List<String> l = new ArrayList<>(learners);
    l.remove(id);
    return new Membership(v, l, addresses);
  }

  /** This configuration without member {@code id}. */
  public Membership without(String id) {
    if (!isMember(id)) throw new IllegalArgumentException(id + " is not a member");
    List<String> v = new ArrayList<>(voters);
    v.remove(id);
    List<String> l = new ArrayList<>(learners);
    l.remove(id);
    Map<String, String> a = new LinkedHashMap<>(addresses);
    a.remove(id);
    return new Membership(v, l, a);
  }

  /** The bytes of a {@code CONFIG} log entry or a snapshot's membership block. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeInt(voters.size());
      for (String v : voters) out.writeUTF(v);
      out.writeInt(learners.size());
      for (String l : learners) out.writeUTF(l);
      out.writeInt(addresses.size());
      for (Map.Entry<String, String> e : addresses.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static Membership decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
      int format = in.readByte();
      if (format != FORMAT) throw new IllegalArgumentException("membership format " + format);
      List<String> v = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) v.add(in.readUTF());
      List<String> l = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) l.add(in.readUTF());
      Map<String, String> a = new LinkedHashMap<>();
      for (int i = in.readInt(); i > 0; i--) a.put(in.readUTF(), in.readUTF());
      return new Membership(v, l, a);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed membership: " + e, e);
    }
  }

  @Override
  public String toString() {
    return "voters " + voters + (learners.isEmpty() ? "" : ", learners " + learners);
  }
}
