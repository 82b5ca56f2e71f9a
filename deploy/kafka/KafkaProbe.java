// Readiness probe used by kafka.sh: succeeds once the broker answers a Metadata request.
// Compiled by `kafka.sh install` against the cached kafka-clients jar (no build tool needed).
//
//   java -cp '<cache>/libs/*:<cache>/probe' KafkaProbe 127.0.0.1:9092 60000
//
// Exit 0 and one summary line on stdout when ready; exit 1 with the last error on stderr when
// the deadline passes.

import java.util.Collection;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.Node;

public final class KafkaProbe {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: KafkaProbe <host:port> [timeoutMs]");
      System.exit(2);
    }
    String bootstrap = args[0];
    long timeoutMs = args.length > 1 ? Long.parseLong(args[1]) : 60_000L;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);

    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-sh-probe");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "200");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "200");

    Throwable last = null;
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        try {
          DescribeClusterResult cluster = admin.describeCluster();
          Collection<Node> nodes = cluster.nodes().get(5, TimeUnit.SECONDS);
          String clusterId = cluster.clusterId().get(5, TimeUnit.SECONDS);
          // listTopics is answered from a Metadata request.
          Set<String> topics =
              admin.listTopics(new ListTopicsOptions().listInternal(true).timeoutMs(5000))
                  .names()
                  .get(5, TimeUnit.SECONDS);
          if (!nodes.isEmpty()) {
            System.out.println(
                "metadata ok: cluster " + clusterId + ", brokers " + nodes + ", " + topics.size()
                    + " topic(s)");
            return;
          }
          last = new IllegalStateException("metadata lists no brokers yet");
        } catch (Exception e) {
          last = e.getCause() != null ? e.getCause() : e;
        }
        Thread.sleep(500);
      }
    }
    System.err.println(
        "broker at " + bootstrap + " did not answer a metadata request within " + timeoutMs
            + " ms: " + last);
    System.exit(1);
  }
}
