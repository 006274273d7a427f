//! ureq's transport over may's `TcpStream`, so a request parks its coroutine on may's event
//! loop instead of blocking the worker thread (ureq's `DefaultConnector` opens a std socket).
//! Modelled on ureq 3.5's `TcpTransport`: the per-read and per-write timeouts become may's own
//! socket timeouts, an expired one is ureq's `Error::Timeout`. ureq's `transport` module is
//! outside its semver promise ("unversioned"); the workspace's lock file pins 3.5.2.

use std::io::{self, Read, Write};
use std::time::Duration;

use may::net::TcpStream;
use ureq::Error;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Transport,
};

/// Opens one may socket per connection ureq asks for (first and only link of its chain).
#[derive(Debug, Default, Clone, Copy)]
pub struct MayConnector;

impl Connector for MayConnector {
    type Out = MayTransport;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _chained: Option<()>,
    ) -> Result<Option<MayTransport>, Error> {
        let Some(&addr) = details.addrs.first() else {
            return Err(Error::Io(io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                "no address to connect to",
            )));
        };
        let stream = match details.timeout.not_zero() {
            Some(limit) => TcpStream::connect_timeout(&addr, *limit),
            None => TcpStream::connect(addr),
        }
        .map_err(|e| if timed_out(&e) { Error::Timeout(ureq::Timeout::Connect) } else { Error::Io(e) })?;
        let config = details.config;
        if config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let buffers = LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size());
        Ok(Some(MayTransport { stream, buffers, read_timeout: None, write_timeout: None }))
    }
}

/// One connection: may's socket and ureq's buffers, with the timeouts last set on the socket
/// (each set is a syscall, so only a change sets it).
#[derive(Debug)]
pub struct MayTransport {
    stream: TcpStream,
    buffers: LazyBuffers,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl Transport for MayTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let timeout = timeout.for_write();
        let limit = remaining(timeout)?;
        if limit != self.write_timeout {
            self.stream.set_write_timeout(limit)?;
            self.write_timeout = limit;
        }
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output).map_err(|e| failure(e, timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        let timeout = timeout.for_read();
        let limit = remaining(timeout)?;
        if limit != self.read_timeout {
            self.stream.set_read_timeout(limit)?;
            self.read_timeout = limit;
        }
        let input = self.buffers.input_append_buf();
        let read = loop {
            match self.stream.read(input) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let amount = read.map_err(|e| failure(e, timeout))?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    /// What ureq asks before it reuses a pooled connection: nothing unread waiting and no end
    /// of stream. may keeps its sockets non-blocking in coroutines, so a peek at the std socket
    /// under it answers at once (set again here, as `TcpTransport` does, in case a thread
    /// context had made it blocking).
    fn is_open(&mut self) -> bool {
        let socket = self.stream.inner();
        if socket.set_nonblocking(true).is_err() {
            return false;
        }
        let mut byte = [0u8; 1];
        matches!(socket.peek(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
    }
}

/// The socket timeout for this read or write (`None`: no timeout), or ureq's timeout error if
/// its budget is already spent.
fn remaining(timeout: NextTimeout) -> Result<Option<Duration>, Error> {
    if timeout.after.is_zero() {
        return Err(Error::Timeout(timeout.reason));
    }
    Ok(timeout.not_zero().map(|d| *d))
}

fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

/// An I/O error as ureq reports it: an expired socket timeout is `Error::Timeout`.
fn failure(e: io::Error, timeout: NextTimeout) -> Error {
    if timed_out(&e) { Error::Timeout(timeout.reason) } else { Error::Io(e) }
}
