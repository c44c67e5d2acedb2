package io.raftactors.kv;

/**
 * A condition of a transaction on one key (etcd Compare). A missing key has version, create and
 * mod revision 0, lease 0, and no value: every value comparison with it fails except {@code
 * NOT_EQUAL}.
 *
 * @param value the operand for {@link Target#VALUE}
 * @param number the operand for the numeric targets
 */
public record Compare(Bytes key, Target target, Relation relation, Bytes value, long number) {
  public enum Target {
    VALUE,
    VERSION,
    CREATE_REVISION,
    MOD_REVISION,
    LEASE
  }

  public enum Relation {
    EQUAL,
    NOT_EQUAL,
    LESS,
    GREATER
  }

  public static Compare value(Bytes key, Relation relation, Bytes value) {
    return new Compare(key, Target.VALUE, relation, value, 0);
  }

  public static Compare version(Bytes key, Relation relation, long version) {
    return new Compare(key, Target.VERSION, relation, null, version);
  }

  public static Compare modRevision(Bytes key, Relation relation, long revision) {
    return new Compare(key, Target.MOD_REVISION, relation, null, revision);
  }

  public static Compare createRevision(Bytes key, Relation relation, long revision) {
    return new Compare(key, Target.CREATE_REVISION, relation, null, revision);
  }

  /** Whether the condition holds for {@code kv} (null: the key does not exist). */
  public boolean holds(KeyValue kv) {
    if (target == Target.VALUE) {
      if (kv == null) return relation == Relation.NOT_EQUAL;
      return test(kv.value().compareTo(value));
    }
    long actual = kv == null ? 0 : switch (target) {
      case VERSION -> kv.version();
      case CREATE_REVISION -> kv.createRevision();
      case MOD_REVISION -> kv.modRevision();
      case LEASE -> kv.lease();
      case VALUE -> throw new AssertionError();
    };
    return test(Long.compare(actual, number));
  }

  private boolean test(int c) {
    return switch (relation) {
      case EQUAL -> c == 0;
      case NOT_EQUAL -> c != 0;
      case LESS -> c < 0;
      case GREATER -> c > 0;
    };
  }
}
