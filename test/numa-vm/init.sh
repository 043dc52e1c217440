#!/bin/busybox sh
# The guest's /init (PID 1), run by busybox from the initramfs that initramfs.mjs builds.
# It shows the host's root read-only over 9p with a tmpfs overlay on top (so the guest may write
# anywhere and the host sees none of it), runs /out/cmd.sh inside it, writes the exit status
# to the writable share and powers off. Every failure ends in a power-off too: QEMU runs with
# -no-reboot and the kernel with panic=-1, so the host never waits for a wedged guest.
/bin/busybox --install -s /bin
export PATH=/bin

die() {
  echo "numa-vm init: $*"
  poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# Dependencies first; modules.order lists them in load order (written by initramfs.mjs).
while read -r m; do
  insmod "/modules/$m" || die "cannot load $m"
done < /modules.order

mkdir -p /host /out /rw /root
# msize: 9p's default 8 KiB makes reading node's binary and node_modules several times slower.
# cache=loose for the read-only root (the guest lives seconds); none for the share the host reads.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro hostroot /host \
  || die "cannot mount the host's root over 9p"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 numavmout /out \
  || die "cannot mount the output share over 9p"
mount -t tmpfs -o mode=0755 tmpfs /rw || die "cannot mount tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work /root \
  || die "cannot mount the overlay"

# The guest's own kernel views, not the host's, inside the new root.
mount -t proc proc /root/proc
mount -t sysfs sysfs /root/sys
mount -t devtmpfs devtmpfs /root/dev
mkdir -p /root/dev/pts /root/dev/shm
mount -t devpts devpts /root/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /root/dev/shm
cp /out/cmd.sh /root/numa-vm-cmd.sh || die "no command in the output share"
# The command may leave files for the host here (NUMA_VM_OUT), a report for instance.
mkdir -p /root/numa-vm-out && mount --bind /out /root/numa-vm-out

nonce=$(cat /out/nonce)
echo "@@numa-vm:begin:$nonce@@"
# Through a pipe, so the command sees no terminal (no cursor tricks in its output).
set -o pipefail
chroot /root /bin/sh /numa-vm-cmd.sh < /dev/null 2>&1 | cat
status=$?
echo "@@numa-vm:end:$nonce:$status@@"
echo "$status" > /out/status
sync
poweroff -f
