using System;
using SeqDsl;

// Which device will the tests and samples use on this machine?
var device = SeqDevice.Best();
Console.WriteLine("SeqDsl device: " + device.Description);
foreach (var line in device.SelectionLog)
{
    Console.WriteLine("  " + line);
}
