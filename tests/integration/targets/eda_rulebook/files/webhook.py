"""A loopback webhook for the notification example: each POST body is appended, one JSON document a line, to a file.

webhook.py PORT_FILE LOG_FILE   (serves 127.0.0.1 on a free port, written to PORT_FILE; stops after 300 s)
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        with open(self.server.log_file, 'a') as out:
            out.write(json.dumps(json.loads(body or b'null')) + '\n')
        self.send_response(200)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, *args):
        pass


def main(port_file, log_file):
    server = HTTPServer(('127.0.0.1', 0), Handler)
    server.log_file = log_file
    threading.Timer(300, server.shutdown).start()
    with open(port_file + '.tmp', 'w') as out:
        out.write('%d' % server.server_address[1])
    os.replace(port_file + '.tmp', port_file)
    server.serve_forever()


if __name__ == '__main__':
    main(*sys.argv[1:])
