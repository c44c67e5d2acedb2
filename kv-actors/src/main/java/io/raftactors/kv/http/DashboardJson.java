package io.raftactors.kv.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftactors.kv.MetricsReport;
import io.raftactors.raft.NodeStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's document: one JSON object with the time, this node's id, the leader and term the
 * up members agree on ({@link ClusterView#leader}), every member (role, term, indexes, key
 * count, the leader's view of its lag, messages and bytes per second it sends to each peer), this
 * node's leader history, and the demo's state when there is a demo.
 */
final class DashboardJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SENT = "raft_messages_sent_total{peer=\"";
  private static final String SENT_BYTES = "raft_message_bytes_sent_total{peer=\"";

  private DashboardJson() {}

  /** @param shown the members to show, in order; {@code members} has an entry for each */
  static String render(String self, List<String> shown, Map<String, ClusterView.Member> members,
      ClusterView.Leader leader, LeaderHistory history, DemoControl demo) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("self", self);
    doc.put("at", System.currentTimeMillis());
    List<Object> list = new ArrayList<>();
    for (String id : shown) list.add(member(id, members.get(id)));
    doc.put("leader", leader.id());
    doc.put("term", leader.term());
    doc.put("members", list);
    List<Object> changes = new ArrayList<>();
    for (LeaderHistory.Change c : history.changes()) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("term", c.term());
      h.put("leader", c.leaderId());
      h.put("at", c.atMillis());
      changes.add(h);
    }
    doc.put("history", changes);
    if (demo != null) doc.put("demo", demo.state());
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the dashboard", e);
    }
  }

  private static Map<String, Object> member(String id, ClusterView.Member m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("up", m.up);
    NodeStatus s = m.status;
    if (s != null) {
      out.put("role", s.role().name());
      out.put("term", s.term());
      out.put("leader", s.leaderId());
      out.put("commit", s.commitIndex());
      out.put("applied", s.lastApplied());
      out.put("lastLog", s.lastLogIndex());
      out.put("firstLog", s.firstLogIndex());
      out.put("snapshot", s.snapshotIndex());
      out.put("voter", s.isVoter());
      Map<String, Long> lag = new TreeMap<>();
      s.matchIndexes().forEach((peer, match) -> lag.put(peer, Math.max(0, s.lastLogIndex() - match)));
      out.put("lag", lag);
    }
    out.put("keys", m.keys);
    out.put("sent", m.up ? rates(m) : Map.of());
    return out;
  }

  /** Per peer: Raft messages and bytes per second this member sent it between its last two reports. */
  private static Map<String, Map<String, Double>> rates(ClusterView.Member m) {
    Map<String, Map<String, Double>> out = new TreeMap<>();
    MetricsReport now = m.metrics;
    MetricsReport before = m.previousMetrics;
    if (now == null || before == null || m.metricsAtNanos <= m.previousAtNanos) return out;
    double seconds = (m.metricsAtNanos - m.previousAtNanos) / 1e9;
    now.samples().forEach((name, value) -> {
      String prefix = name.startsWith(SENT) ? SENT : name.startsWith(SENT_BYTES) ? SENT_BYTES : null;
      if (prefix == null) return;
      String peer = name.substring(prefix.length(), name.length() - 2);
      double rate = Math.max(0, value - before.sample(name)) / seconds;
      out.computeIfAbsent(peer, p -> new TreeMap<>()).put(prefix == SENT ? "messages" : "bytes", rate);
    });
    return out;
  }
}
