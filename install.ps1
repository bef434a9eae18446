# Installs the SmallCode binary for Windows (x64; arm64 through emulation) from the project's GitHub releases into
# ~\.smallcode\bin, after checking its SHA-256 checksum, and puts that folder on the user's PATH.
# The Windows twin of install.sh: keep the two doing the same steps in the same order.
#
#   irm https://github.com/smallcode-dev/smallcode/releases/latest/download/install.ps1 | iex
#
# Variables (all optional):
#   SMALLCODE_VERSION           a release such as 0.2.0 (default: the latest)
#   SMALLCODE_INSTALL_BASE_URL  where the binaries and their .sha256 files are (default: the release)
#   SMALLCODE_INSTALL_DIR       default ~\.smallcode (the binary goes to its bin\)
#   SMALLCODE_NO_MODIFY_PATH    1: change no PATH, only say what to add
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue' # the progress bar makes Invoke-WebRequest many times slower

$Repo = 'smallcode-dev/smallcode'
$Version = if ($env:SMALLCODE_VERSION) { $env:SMALLCODE_VERSION } else { 'latest' }
if ($env:SMALLCODE_INSTALL_BASE_URL) {
  $BaseUrl = $env:SMALLCODE_INSTALL_BASE_URL.TrimEnd('/')
} elseif ($Version -eq 'latest') {
  $BaseUrl = "https://github.com/$Repo/releases/latest/download"
} else {
  $BaseUrl = "https://github.com/$Repo/releases/download/v$($Version.TrimStart('v'))"
}
$InstallDir = if ($env:SMALLCODE_INSTALL_DIR) { $env:SMALLCODE_INSTALL_DIR } else { Join-Path $HOME '.smallcode' }
$BinDir = Join-Path $InstallDir 'bin'

function Fail([string]$Message) {
  [Console]::Error.WriteLine("smallcode install: $Message")
  exit 1
}

# ── Which binary ─────────────────────────────────────────────────────────────
if ($PSVersionTable.PSVersion.Major -ge 6 -and -not $IsWindows) {
  Fail 'this script is for Windows; on Linux and macOS run install.sh: curl -fsSL https://github.com/smallcode-dev/smallcode/releases/latest/download/install.sh | sh'
}
$Arch = switch ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString()) {
  'X64' { 'x64' }
  # No Windows arm64 build yet: Windows 11 on Arm runs the x64 binary through its emulation.
  'Arm64' { 'x64' }
  default { Fail "no prebuilt binary for $_ processors; install with npm instead (Node.js 20.19 or later): npm install -g smallcode" }
}
$Asset = "smallcode-windows-$Arch.exe"

# ── Download and verify ──────────────────────────────────────────────────────
$Tmp = Join-Path ([System.IO.Path]::GetTempPath()) ("smallcode-install." + [System.IO.Path]::GetRandomFileName())
New-Item -ItemType Directory -Path $Tmp | Out-Null
try {
  Write-Output "Downloading $BaseUrl/$Asset"
  try { Invoke-WebRequest -UseBasicParsing -Uri "$BaseUrl/$Asset" -OutFile (Join-Path $Tmp $Asset) }
  catch { Fail "could not download $BaseUrl/$Asset; nothing was installed" }
  try { Invoke-WebRequest -UseBasicParsing -Uri "$BaseUrl/$Asset.sha256" -OutFile (Join-Path $Tmp "$Asset.sha256") }
  catch { Fail "could not download the checksum $BaseUrl/$Asset.sha256; nothing was installed" }

  # The checksum file is sha256sum's format: the hex digest, then the file name (maybe after '*').
  $FirstLine = @(Get-Content -LiteralPath (Join-Path $Tmp "$Asset.sha256") -TotalCount 1)[0]
  $Expected = if ($FirstLine) { ($FirstLine.Trim() -split '\s+')[0].ToLowerInvariant() } else { '' }
  if ($Expected -notmatch '^[0-9a-f]{64}$') { Fail "$Asset.sha256 holds no SHA-256 digest; nothing was installed" }
  $Actual = (Get-FileHash -Algorithm SHA256 -LiteralPath (Join-Path $Tmp $Asset)).Hash.ToLowerInvariant()
  if ($Actual -ne $Expected) {
    Fail "checksum mismatch for $Asset (expected $Expected, got $Actual): the download is damaged or not the release; nothing was installed"
  }

  # ── Install ────────────────────────────────────────────────────────────────
  New-Item -ItemType Directory -Force -Path $BinDir | Out-Null
  $Target = Join-Path $BinDir 'smallcode.exe'
  Move-Item -Force -LiteralPath (Join-Path $Tmp $Asset) -Destination $Target
} finally {
  Remove-Item -Recurse -Force -LiteralPath $Tmp -ErrorAction SilentlyContinue
}
try {
  $Installed = & $Target --version 2>$null
  if ($LASTEXITCODE -ne 0) { throw 'exit' }
  Write-Output "Installed $Installed to $Target"
} catch {
  Write-Output "Installed $Target, but it does not run here (try: & '$Target' --version)"
}

# ── PATH ─────────────────────────────────────────────────────────────────────
$UserPath = [Environment]::GetEnvironmentVariable('Path', 'User')
$Entries = @($UserPath -split ';' | Where-Object { $_ })
if (($env:Path -split ';') -contains $BinDir -or $Entries -contains $BinDir) {
  Write-Output "$BinDir is on your PATH already: run smallcode"
} elseif ($env:SMALLCODE_NO_MODIFY_PATH -eq '1') {
  Write-Output 'To put smallcode on your PATH, add this folder to your user PATH (Settings > System > About > Advanced system settings > Environment Variables):'
  Write-Output "  $BinDir"
} else {
  [Environment]::SetEnvironmentVariable('Path', (($Entries + $BinDir) -join ';'), 'User')
  $env:Path = "$BinDir;$env:Path"
  Write-Output "Added $BinDir to your user PATH (the Path variable of your Windows account)."
  Write-Output 'Open a new terminal to use smallcode (this one has it already).'
}
