package io.raftactors.kv;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fields of a hash key as its value holds them: the number of fields, then each field and
 * value as a length and bytes, in field order. A hash is read and written whole: hashes are for
 * small records (a lock's owners and counts, a session's attributes), as Redisson and most Redis
 * scripts use them.
 */
public final class HashValue {
  private HashValue() {}

  public static TreeMap<Bytes, Bytes> decode(Bytes value) {
    TreeMap<Bytes, Bytes> fields = new TreeMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value.unsafeArray()))) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) fields.put(read(in), read(in));
    } catch (IOException e) {
      throw new IllegalStateException("malformed hash value", e);
    }
    return fields;
  }

  public static Bytes encode(Map<Bytes, Bytes> fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(fields.size());
      for (Map.Entry<Bytes, Bytes> f : fields.entrySet()) {
        write(out, f.getKey());
        write(out, f.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Bytes.wrap(bytes.toByteArray());
  }

  private static Bytes read(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return Bytes.wrap(b);
  }

  private static void write(DataOutputStream out, Bytes b) throws IOException {
    out.writeInt(b.size());
    out.write(b.unsafeArray());
  }
}
