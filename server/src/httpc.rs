//! A small HTTP/1.1 client over one keep-alive connection, for the ingest benchmark and the
//! crash test: they drive a real `yijian serve` over loopback exactly as a browser's `fetch`
//! posts a form, and must count every byte of latency their own.

use std::io;
use std::net::SocketAddr;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub struct Conn {
    stream: BufReader<TcpStream>,
    host: String,
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> io::Result<Conn> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Conn {
            stream: BufReader::new(s),
            host: addr.to_string(),
        })
    }

    /// POSTs an url-encoded form as a same-site script would (Origin of the server itself).
    pub async fn post_form(&mut self, path: &str, body: &str) -> io::Result<Response> {
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: {h}\r\nOrigin: http://{h}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len(),
            h = self.host
        );
        self.stream.get_mut().write_all(req.as_bytes()).await?;
        self.read_response().await
    }

    pub async fn get(&mut self, path: &str) -> io::Result<Response> {
        let req = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.host);
        self.stream.get_mut().write_all(req.as_bytes()).await?;
        self.read_response().await
    }

    /// GETs as a browser would with the extra request headers given (`Accept-Encoding` …);
    /// the body is returned as bytes, undecoded.
    pub async fn get_raw(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> io::Result<(u16, Vec<(String, String)>, Vec<u8>)> {
        let mut req = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        self.stream.get_mut().write_all(req.as_bytes()).await?;
        self.read_raw().await
    }

    async fn read_response(&mut self) -> io::Result<Response> {
        let (status, headers, body) = self.read_raw().await?;
        Ok(Response {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    async fn read_raw(&mut self) -> io::Result<(u16, Vec<(String, String)>, Vec<u8>)> {
        let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
        let mut line = String::new();
        if self.stream.read_line(&mut line).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("no status line"))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(bad("headers cut off"));
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let find = |name: &str| {
            headers
                .iter()
                .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let mut body = Vec::new();
        if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(|_| bad("chunk size"))?;
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(len) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
            body.resize(len, 0);
            self.stream.read_exact(&mut body).await?;
        }
        Ok((status, headers, body))
    }
}

/// Percent-encodes a form of key/value pairs.
pub fn encode_form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}
