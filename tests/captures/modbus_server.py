#!/usr/bin/python3
"""A small Modbus/TCP server (pymodbus) for the test captures.

Usage: modbus_server.py PORT.  Unit 1 holds 100 coils, 100 discrete inputs,
100 holding and 100 input registers (addresses 0-99); anything beyond is an
illegal data address, which the clients use to provoke exception replies.
"""
import logging
import sys

from pymodbus.datastore import (ModbusSequentialDataBlock, ModbusServerContext,
                                ModbusSlaveContext)
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.server import StartTcpServer


def main():
    port = int(sys.argv[1])
    logging.basicConfig(level=logging.WARNING)
    # pymodbus 3.0 blocks are addressed from 1 on the wire + 1 internally,
    # so start them at 0 and make them one longer.
    unit = ModbusSlaveContext(
        co=ModbusSequentialDataBlock(0, [i % 3 == 0 for i in range(101)]),
        di=ModbusSequentialDataBlock(0, [i % 2 == 0 for i in range(101)]),
        hr=ModbusSequentialDataBlock(0, [1000 + i for i in range(101)]),
        ir=ModbusSequentialDataBlock(0, [i * 7 for i in range(101)]),
    )
    ident = ModbusDeviceIdentification(info_name={
        "VendorName": "iotscope", "ProductCode": "IS", "MajorMinorRevision": "1.0"})
    StartTcpServer(context=ModbusServerContext(slaves={1: unit}, single=False),
                   identity=ident, address=("127.0.0.1", port))


if __name__ == "__main__":
    main()
