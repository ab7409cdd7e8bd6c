//! Prometheus text metrics: request counts and latencies by route.
//!
//! Routes are labelled by their axum pattern (`/api/auth/login`, `/admin/users`), never by the raw
//! path, so the number of series stays bounded whatever URLs clients send.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

const BUCKETS_S: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS_S.len()],
    sum_s: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

/// The method as a label: the standard methods by name, anything else (a client can send any
/// token as a method) as `OTHER`, so the series stay bounded.
pub fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
    ];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("OTHER")
}

impl Metrics {
    /// Counts a request. Every label is bounded: the method by [`method_label`], the route is an
    /// axum pattern (or `(unmatched)`), the status a number.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let method = method_label(method);
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let h = l.entry(route.to_string()).or_default();
            for (i, le) in BUCKETS_S.iter().enumerate() {
                if seconds <= *le {
                    h.counts[i] += 1;
                }
            }
            h.sum_s += seconds;
            h.count += 1;
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP yijian_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE yijian_http_requests_total counter\n");
        if let Ok(r) = self.requests.lock() {
            for ((method, route, status), n) in r.iter() {
                let _ = writeln!(
                    out,
                    "yijian_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(method),
                    escape(route)
                );
            }
        }
        out.push_str(
            "# HELP yijian_http_request_duration_seconds HTTP request latency by route.\n",
        );
        out.push_str("# TYPE yijian_http_request_duration_seconds histogram\n");
        if let Ok(l) = self.latency.lock() {
            for (route, h) in l.iter() {
                let route = escape(route);
                for (i, le) in BUCKETS_S.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "yijian_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "yijian_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "yijian_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum_s
                );
                let _ = writeln!(
                    out,
                    "yijian_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count
                );
            }
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("GET", "/healthz", 200, 0.002);
        m.observe("GET", "/healthz", 200, 0.3);
        let text = m.render();
        assert!(text.contains(
            "yijian_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(text.contains("route=\"/healthz\",le=\"0.005\"} 1"));
        assert!(text.contains("route=\"/healthz\",le=\"0.5\"} 2"));
        assert!(text.contains("yijian_http_request_duration_seconds_count{route=\"/healthz\"} 2"));
    }

    #[test]
    fn any_number_of_odd_methods_is_one_series() {
        let m = Metrics::default();
        for i in 0..2000 {
            m.observe(&format!("X{i}"), "(unmatched)", 405, 0.001);
        }
        m.observe("PATCH", "(unmatched)", 405, 0.001);
        let text = m.render();
        assert!(text.contains("method=\"OTHER\",route=\"(unmatched)\",status=\"405\"} 2000"));
        assert!(text.contains("method=\"PATCH\""));
        assert_eq!(text.matches("yijian_http_requests_total{").count(), 2);
    }

    #[test]
    fn escapes_label_values() {
        assert_eq!(escape("a\"b\\c"), "a\\\"b\\\\c");
    }
}
